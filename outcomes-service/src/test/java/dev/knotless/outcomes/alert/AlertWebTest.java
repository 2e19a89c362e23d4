package dev.knotless.outcomes.alert;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.knotless.outcomes.WebSliceSecurity;
import org.springframework.context.annotation.Import;
import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.AlertRule;
import dev.knotless.events.Vocabulary.AlertStatus;
import dev.knotless.platform.web.ProblemException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

@WebMvcTest(AlertController.class)
@Import(WebSliceSecurity.class)
class AlertWebTest {

    @Autowired
    MockMvc mvc;
    @MockitoBean
    AlertService alerts;

    private ResultActions acknowledge(Object alertId, String body) throws Exception {
        return mvc.perform(post("/api/alerts/{id}/acknowledge", alertId).contentType(MediaType.APPLICATION_JSON).content(body));
    }

    @Test
    void alertsAreListedOpenByDefault() throws Exception {
        when(alerts.list("clinic-a", AlertStatus.OPEN, 100, 0)).thenReturn(new AlertService.AlertPage(List.of(new AlertView(
                UUID.randomUUID(), AlertLevel.HIGH, AlertRule.HIGH_SORENESS, AlertStatus.OPEN, UUID.randomUUID(), "clinic-a",
                UUID.randomUUID(), UUID.randomUUID(), null, Instant.parse("2026-11-21T15:00:00Z"), null, null, null)), false));

        mvc.perform(get("/api/clinics/clinic-a/alerts")).andExpect(status().isOk())
                .andExpect(jsonPath("$[0].level").value("HIGH"))
                .andExpect(jsonPath("$[0].rule").value("HIGH_SORENESS"))
                .andExpect(header().doesNotExist("Link"));
    }

    @Test
    void aPageWithMoreAfterItLinksToTheNextPage() throws Exception {
        when(alerts.list("clinic a", AlertStatus.ACKNOWLEDGED, 2, 3)).thenReturn(new AlertService.AlertPage(List.of(), true));

        mvc.perform(get("/api/clinics/{clinicId}/alerts", "clinic a").param("status", "ACKNOWLEDGED").param("limit", "2").param("page", "3"))
                .andExpect(status().isOk())
                .andExpect(header().string("Link", "</api/clinics/clinic%20a/alerts?status=ACKNOWLEDGED&limit=2&page=4>; rel=\"next\""));
    }

    @Test
    void aNegativeOrMalformedPageIsNamed() throws Exception {
        mvc.perform(get("/api/clinics/clinic-a/alerts").param("page", "-1")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/invalid-request"))
                .andExpect(jsonPath("$.errors[0].field").value("page"));
        mvc.perform(get("/api/clinics/clinic-a/alerts").param("page", "next")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("page"));
        verifyNoInteractions(alerts);
    }

    @Test
    void acknowledgedAlertsCanBeAskedFor() throws Exception {
        when(alerts.list("clinic-a", AlertStatus.ACKNOWLEDGED, 100, 0)).thenReturn(new AlertService.AlertPage(List.of(), false));
        mvc.perform(get("/api/clinics/clinic-a/alerts").param("status", "ACKNOWLEDGED")).andExpect(status().isOk());
        verify(alerts).list("clinic-a", AlertStatus.ACKNOWLEDGED, 100, 0);
    }

    @Test
    void anUnknownStatusIsABadRequestNamingStatus() throws Exception {
        mvc.perform(get("/api/clinics/clinic-a/alerts").param("status", "CLOSED")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/invalid-request"))
                .andExpect(jsonPath("$.errors[0].field").value("status"))
                .andExpect(jsonPath("$.errors[0].message").value("must be one of OPEN, ACKNOWLEDGED"));
        verifyNoInteractions(alerts);
    }

    @Test
    void aLimitOutOfRangeOrNotANumberIsNamed() throws Exception {
        mvc.perform(get("/api/clinics/clinic-a/alerts").param("limit", "0")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("limit"));
        mvc.perform(get("/api/clinics/clinic-a/alerts").param("limit", "lots")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("limit"));
        verifyNoInteractions(alerts);
    }

    @Test
    void anOverlongClinicIdIsNamed() throws Exception {
        mvc.perform(get("/api/clinics/{clinicId}/alerts", "c".repeat(65))).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("clinicId"));
        verifyNoInteractions(alerts);
    }

    @Test
    void anAcknowledgementIsTheTokensSubjectsAndReturnsTheAlert() throws Exception {
        var alertId = UUID.randomUUID();
        when(alerts.acknowledge(alertId, WebSliceSecurity.THERAPIST_A)).thenReturn(new AlertView(alertId, AlertLevel.LOW,
                AlertRule.FOLLOW_UPS_MISSED, AlertStatus.ACKNOWLEDGED, UUID.randomUUID(), "clinic-a", UUID.randomUUID(), null, null,
                Instant.now(), null, "therapist-a", Instant.now()));

        acknowledge(alertId, "{}").andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("ACKNOWLEDGED"))
                .andExpect(jsonPath("$.acknowledgedBy").value("therapist-a"));
        // No body at all is the same request.
        mvc.perform(post("/api/alerts/{id}/acknowledge", alertId)).andExpect(status().isOk());
        mvc.perform(post("/api/alerts/{id}/acknowledge", alertId).contentType(MediaType.APPLICATION_JSON)).andExpect(status().isOk());
        verify(alerts, org.mockito.Mockito.times(3)).acknowledge(alertId, WebSliceSecurity.THERAPIST_A);
    }

    @Test
    void aMalformedAlertIdIsNamed() throws Exception {
        acknowledge("nope", "{}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("alertId"));
        verifyNoInteractions(alerts);
    }

    @Test
    void aBodyStillSendingAcknowledgedByIsABadRequestNamingIt() throws Exception {
        var alertId = UUID.randomUUID();
        acknowledge(alertId, "{\"acknowledgedBy\": \"t-1\"}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/invalid-request"))
                .andExpect(jsonPath("$.errors[0].field").value("acknowledgedBy"));
        acknowledge(alertId, "{\"acknowledgedBy\": null}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("acknowledgedBy"));
        verifyNoInteractions(alerts);
    }

    @Test
    void malformedJsonIsABadRequest() throws Exception {
        acknowledge(UUID.randomUUID(), "{\"acknowledgedBy\": ").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/malformed-json"));
        acknowledge(UUID.randomUUID(), "[]").andExpect(status().isBadRequest());
        verifyNoInteractions(alerts);
    }

    @Test
    void anOversizedBodyIsRefused() throws Exception {
        acknowledge(UUID.randomUUID(), "{\"acknowledgedBy\": \"" + "t".repeat(70_000) + "\"}").andExpect(status().isPayloadTooLarge());
        verifyNoInteractions(alerts);
    }

    @Test
    void anUnknownOrAlreadyAcknowledgedAlertIsRefused() throws Exception {
        var unknown = UUID.randomUUID();
        when(alerts.acknowledge(eq(unknown), any())).thenThrow(ProblemException.notFound("alert", unknown));
        acknowledge(unknown, "{}").andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value("/problems/alert-not-found"));
    }
}
