package dev.knotless.outcomes.timeline;

import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.knotless.outcomes.WebSliceSecurity;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

@WebMvcTest(TimelineController.class)
@Import({TimelineWebTest.Mcid.class, WebSliceSecurity.class})
class TimelineWebTest {

    @TestConfiguration
    static class Mcid {
        @Bean
        PainMcid painMcid() {
            return PainMcid.DEFAULT;
        }
    }

    @Autowired
    MockMvc mvc;
    @MockitoBean
    TimelineStore timelines;

    @Test
    void aMalformedPatientIdIsNamed() throws Exception {
        mvc.perform(get("/api/patients/{id}/timeline", "not-a-uuid")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/invalid-request"))
                .andExpect(jsonPath("$.errors[0].field").value("patientId"));
        verifyNoInteractions(timelines);
    }

    @Test
    void anUnknownPatientIsNotFound() throws Exception {
        var patientId = UUID.randomUUID();
        when(timelines.find(patientId.toString())).thenReturn(Optional.empty());

        mvc.perform(get("/api/patients/{id}/timeline", patientId)).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value("/problems/patient-not-found"));
    }

    @Test
    void anEmptyTimelineHasEveryPartAndNoFigures() throws Exception {
        var patientId = UUID.randomUUID();
        when(timelines.find(patientId.toString())).thenReturn(Optional.of(Timeline.start(patientId, "clinic-a")));

        mvc.perform(get("/api/patients/{id}/timeline", patientId)).andExpect(status().isOk())
                .andExpect(jsonPath("$.patientId").value(patientId.toString()))
                .andExpect(jsonPath("$.entries").isEmpty())
                .andExpect(jsonPath("$.series.soreness.H24").isEmpty())
                .andExpect(jsonPath("$.series.soreness.H48").isEmpty())
                .andExpect(jsonPath("$.summary.sessions").value(0))
                .andExpect(jsonPath("$.summary.followUpResponseRate").isEmpty())
                .andExpect(jsonPath("$.appliedEventIds").doesNotExist());
    }
}
