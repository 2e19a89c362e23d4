package dev.knotless.outcomes.followup;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.knotless.outcomes.WebSliceSecurity;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.Technique;
import dev.knotless.outcomes.TestClockConfig;
import dev.knotless.testsupport.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

@WebMvcTest(FollowUpController.class)
@Import({TestClockConfig.class, WebSliceSecurity.class})
class FollowUpControllerWebTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    MutableClock clock;
    @MockitoBean
    FollowUpRepository followUps;

    @Test
    void aMalformedSessionIdIsABadRequestNamingIt() throws Exception {
        mvc.perform(get("/api/sessions/not-a-uuid/follow-ups"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/invalid-request"))
                .andExpect(jsonPath("$.errors[0].field").value("sessionId"));
    }

    @Test
    void aSessionWithoutFollowUpsIsNotFoundAndTheProblemSaysItMayNotHaveArrivedYet() throws Exception {
        when(followUps.findAllById(any())).thenReturn(List.of());

        mvc.perform(get("/api/sessions/{id}/follow-ups", UUID.randomUUID()))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value("/problems/session-not-found"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("not reached outcomes-service yet")));
    }

    @Test
    void followUpsShowTheStatusOfThePresentAndWhereToIssueALink() throws Exception {
        var sessionId = UUID.randomUUID();
        var ended = clock.instant().minus(Duration.ofHours(30));
        var h24 = FollowUp.schedule(sessionId, UUID.randomUUID(), "clinic-a", Checkpoint.H24, ended, List.of(Technique.DEEP),
                FollowUpWindow.of(Checkpoint.H24, ended, FollowUpWindow.Schedule.DEFAULT));
        h24.moveTo(dev.knotless.events.Vocabulary.FollowUpStatus.SCHEDULED, null); // as recorded before the sweep ran
        // Asked by the ids derived from the session: H24 and H48.
        when(followUps.findAllById(List.of(h24.id().toString(), FollowUp.idOf(sessionId, Checkpoint.H48).toString())))
                .thenReturn(List.of(h24));

        mvc.perform(get("/api/sessions/{id}/follow-ups", sessionId))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$[0].followUpId").value(h24.id().toString()))
                .andExpect(jsonPath("$[0].checkpoint").value("H24"))
                .andExpect(jsonPath("$[0].status").value("OPEN"))
                .andExpect(jsonPath("$[0].issueSurveyLink").value("/api/follow-ups/" + h24.id() + "/survey-link"))
                .andExpect(jsonPath("$[0].tokenHash").doesNotExist())
                .andExpect(jsonPath("$[0].completedAt").isEmpty());
    }
}
