package dev.knotless.outcomes.dashboard;

import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.knotless.outcomes.WebSliceSecurity;
import org.springframework.context.annotation.Import;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

@WebMvcTest(DashboardController.class)
@Import(WebSliceSecurity.class)
class DashboardWebTest {

    @Autowired
    MockMvc mvc;
    @MockitoBean
    DashboardService dashboards;

    @Test
    void anOverlongClinicIdIsNamed() throws Exception {
        mvc.perform(get("/api/clinics/{clinicId}/dashboard", "c".repeat(65))).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/invalid-request"))
                .andExpect(jsonPath("$.errors[0].field").value("clinicId"));
        verifyNoInteractions(dashboards);
    }

    @Test
    void theDashboardListsEveryCheckpointTechniqueAndLevelEvenWithoutData() throws Exception {
        var empty = new DashboardCalculator(Duration.ofDays(30))
                .calculate("clinic-a", Instant.parse("2026-11-30T12:00:00Z"), List.of(), 0, Map.of());
        when(dashboards.dashboard("clinic-a")).thenReturn(empty);

        mvc.perform(get("/api/clinics/clinic-a/dashboard")).andExpect(status().isOk())
                .andExpect(jsonPath("$.clinicId").value("clinic-a"))
                .andExpect(jsonPath("$.generatedAt").value("2026-11-30T12:00:00Z"))
                .andExpect(jsonPath("$.activePatients").value(0))
                .andExpect(jsonPath("$.followUpResponseRate").isEmpty())
                .andExpect(jsonPath("$.meanSoreness.H24.SUPERFICIAL").isEmpty())
                .andExpect(jsonPath("$.meanSoreness.H24").value(org.hamcrest.Matchers.aMapWithSize(3)))
                .andExpect(jsonPath("$.meanSoreness.H48.IMS").isEmpty())
                .andExpect(jsonPath("$.openAlerts.HIGH").value(0))
                .andExpect(jsonPath("$.openAlerts.LOW").value(0))
                .andExpect(jsonPath("$.patientsReachingPainMcid").value(0));
    }
}
