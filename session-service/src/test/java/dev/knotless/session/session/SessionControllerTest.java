package dev.knotless.session.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.knotless.events.Vocabulary.NeedlingClearance;
import dev.knotless.platform.security.StaffMember;
import dev.knotless.platform.validation.ValidationClockConfiguration;
import dev.knotless.testsupport.WebSliceAuthentication;
import dev.knotless.session.safety.SafetyDataFreshness;
import dev.knotless.session.safety.SafetyVerdict;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** Bad input of the session endpoints: always a 4xx problem detail naming the field, and the service is never reached. */
@WebMvcTest(SessionController.class)
@Import({ValidationClockConfiguration.class, WebSliceAuthentication.class, SessionControllerTest.FixedClock.class})
class SessionControllerTest {

    static final Instant NOW = Instant.parse("2026-11-20T15:00:00Z");
    static final StaffMember THERAPIST_A = WebSliceAuthentication.THERAPIST_A;
    static final UUID PATIENT = UUID.fromString("00000000-0000-4000-8000-000000000001");
    static final String SESSIONS = "/api/patients/" + PATIENT + "/sessions";

    static final String VALID = """
            { "startedAt": "2026-11-20T14:00:00Z", "endedAt": "2026-11-20T14:45:00Z",
              "needling": [ { "muscle": "UPPER_TRAPEZIUS", "side": "RIGHT", "technique": "DEEP",
                              "needles": 2, "dwellSeconds": 60, "twitchResponse": true } ],
              "adjuncts": ["STRETCHING", "MANUAL_THERAPY"],
              "painBefore": 6, "painAfter": 4,
              "rom": [ { "joint": "SHOULDER", "movement": "FLEXION", "side": "RIGHT", "degrees": 125, "phase": "PRE" },
                       { "joint": "SHOULDER", "movement": "FLEXION", "side": "RIGHT", "degrees": 140, "phase": "POST" } ],
              "precautionAcknowledged": false, "adverseEventReviewed": false, "notes": "" }
            """;

    @TestConfiguration(proxyBeanMethods = false)
    @EnableConfigurationProperties(SessionProperties.class)
    static class FixedClock {
        @Bean
        Clock clock() {
            return Clock.fixed(NOW, ZoneOffset.UTC);
        }
    }

    @Autowired
    MockMvc mvc;

    @MockitoBean
    SessionService sessions;

    private boolean serviceMayBeCalled;

    @AfterEach
    void badInputNeverReachesTheService() {
        if (!serviceMayBeCalled) {
            verifyNoInteractions(sessions);
        }
    }

    @Test
    void aValidSessionIsHandedToTheServiceWithDefaultsFilledIn() throws Exception {
        serviceMayBeCalled = true;
        UUID sessionId = UUID.randomUUID();
        given(sessions.record(eq(PATIENT), any(), any())).willReturn(view(sessionId));

        postSession(VALID.replace("\"precautionAcknowledged\": false, \"adverseEventReviewed\": false, \"notes\": \"\"", "\"notes\": null")
                .replace("\"adjuncts\": [\"STRETCHING\", \"MANUAL_THERAPY\"],", ""))
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", "/api/sessions/" + sessionId))
                .andExpect(jsonPath("$.sessionId").value(sessionId.toString()))
                .andExpect(jsonPath("$.patientId").value(PATIENT.toString()));

        var request = ArgumentCaptor.forClass(SessionRequest.class);
        verify(sessions).record(eq(PATIENT), request.capture(), eq(THERAPIST_A));
        assertThat(request.getValue().precautionAcknowledged()).isFalse();
        assertThat(request.getValue().adverseEventReviewed()).isFalse();
        assertThat(request.getValue().notes()).isEmpty();
        assertThat(request.getValue().adjuncts()).isEmpty();
        assertThat(request.getValue().needling()).hasSize(1);
    }

    @Test
    void malformedJsonIsRefused() throws Exception {
        postSession("{ \"therapistId\": \"t-1\", ")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/malformed-json"));
    }

    @Test
    void aMissingBodyIsRefused() throws Exception {
        postSession("")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/malformed-json"));
    }

    @Test
    void aNumberGivenAsWordsIsRefusedNamingTheField() throws Exception {
        invalid(replace("\"painBefore\": 6", "\"painBefore\": \"six\""), "painBefore");
    }

    @Test
    void aBooleanGivenAsWordsIsRefusedNamingTheNestedField() throws Exception {
        invalid(replace("\"twitchResponse\": true", "\"twitchResponse\": \"maybe\""), "needling[0].twitchResponse");
    }

    @Test
    void needlingGivenAsAStringIsRefusedNamingTheField() throws Exception {
        invalid(VALID.replaceFirst("(?s)\"needling\": \\[.*?\\],", "\"needling\": \"lots\","), "needling");
    }

    @Test
    void anUnknownTechniqueIsRefusedNamingTheField() throws Exception {
        invalid(replace("\"technique\": \"DEEP\"", "\"technique\": \"ACUPUNCTURE\""), "needling[0].technique")
                .andExpect(jsonPath("$.detail").value(containsString("SUPERFICIAL, DEEP, IMS")));
    }

    @Test
    void painOfElevenIsRefused() throws Exception {
        invalid(replace("\"painAfter\": 4", "\"painAfter\": 11"), "painAfter");
    }

    @Test
    void negativePainIsRefused() throws Exception {
        invalid(replace("\"painBefore\": 6", "\"painBefore\": -1"), "painBefore");
    }

    @Test
    void negativeDegreesAreRefused() throws Exception {
        invalid(replace("\"degrees\": 125", "\"degrees\": -5"), "rom[0].degrees");
    }

    @Test
    void degreesBeyondWhatTheJointAllowsAreRefused() throws Exception {
        invalid(replace("\"degrees\": 140", "\"degrees\": 191"), "rom[1].degrees")
                .andExpect(jsonPath("$.detail").value(containsString("190")));
    }

    @Test
    void aMovementTheJointDoesNotHaveIsRefused() throws Exception {
        invalid(VALID.replaceFirst("\"movement\": \"FLEXION\"", "\"movement\": \"PRONATION\""), "rom[0].movement");
    }

    @Test
    void aRomReadingWithoutPhaseIsRefused() throws Exception {
        invalid(replace(", \"phase\": \"POST\"", ""), "rom[1].phase");
    }

    @Test
    void anEndInTheFutureIsRefused() throws Exception {
        invalid(replace("\"endedAt\": \"2026-11-20T14:45:00Z\"", "\"endedAt\": \"2026-11-20T15:00:01Z\""), "endedAt");
    }

    @Test
    void aStartInTheFutureIsRefused() throws Exception {
        invalid(replace("\"startedAt\": \"2026-11-20T14:00:00Z\"", "\"startedAt\": \"2026-11-21T14:00:00Z\""), "startedAt");
    }

    @Test
    void anEndBeforeTheStartIsRefused() throws Exception {
        invalid(replace("\"endedAt\": \"2026-11-20T14:45:00Z\"", "\"endedAt\": \"2026-11-20T13:45:00Z\""), "endedAt")
                .andExpect(jsonPath("$.detail").value(containsString("after startedAt")));
    }

    @Test
    void anEndEqualToTheStartIsRefused() throws Exception {
        invalid(replace("\"endedAt\": \"2026-11-20T14:45:00Z\"", "\"endedAt\": \"2026-11-20T14:00:00Z\""), "endedAt");
    }

    @Test
    void aSessionLongerThanFourHoursIsRefused() throws Exception {
        invalid(replace("\"startedAt\": \"2026-11-20T14:00:00Z\"", "\"startedAt\": \"2026-11-20T10:44:59Z\""), "endedAt")
                .andExpect(jsonPath("$.detail").value(containsString("240 minutes")));
    }

    @Test
    void aSessionOfExactlyFourHoursIsAccepted() throws Exception {
        serviceMayBeCalled = true;
        given(sessions.record(eq(PATIENT), any(), any())).willReturn(view(UUID.randomUUID()));
        postSession(replace("\"startedAt\": \"2026-11-20T14:00:00Z\"", "\"startedAt\": \"2026-11-20T10:45:00Z\""))
                .andExpect(status().isCreated());
    }

    @Test
    void staleSafetyDataAreA503ProblemWithRetryAfterAndTheAge() throws Exception {
        serviceMayBeCalled = true;
        given(sessions.record(eq(PATIENT), any(), any())).willThrow(SafetyDataStaleException.of(
                new SafetyDataFreshness.Stale(Duration.ofMillis(47_400), Duration.ofSeconds(30)), Duration.ofSeconds(2)));

        postSession(VALID)
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "2"))
                .andExpect(jsonPath("$.type").value("/problems/safety-data-stale"))
                .andExpect(jsonPath("$.title").value("Safety data not current"))
                .andExpect(jsonPath("$.status").value(503))
                .andExpect(jsonPath("$.detail").value(containsString("last confirmed current 47 s ago; the limit is 30 s")))
                .andExpect(jsonPath("$.ageSeconds").value(47))
                .andExpect(jsonPath("$.maxStalenessSeconds").value(30));
    }

    @Test
    void safetyDataNeverConfirmedSinceStartSayOnlyThat() throws Exception {
        serviceMayBeCalled = true;
        given(sessions.record(eq(PATIENT), any(), any())).willThrow(SafetyDataStaleException.of(
                new SafetyDataFreshness.NeverConfirmed(Duration.ofSeconds(30)), Duration.ofSeconds(2)));

        postSession(VALID)
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "2"))
                .andExpect(jsonPath("$.type").value("/problems/safety-data-stale"))
                .andExpect(jsonPath("$.detail").value(containsString("not been confirmed current since this service started")))
                .andExpect(jsonPath("$.ageSeconds").doesNotExist());
    }

    @Test
    void aTimestampThatIsNotAnInstantIsRefused() throws Exception {
        invalid(replace("\"startedAt\": \"2026-11-20T14:00:00Z\"", "\"startedAt\": \"yesterday\""), "startedAt");
    }

    @Test
    void emptyNeedlingIsRefused() throws Exception {
        invalid(VALID.replaceFirst("(?s)\"needling\": \\[.*?\\],", "\"needling\": [],"), "needling");
    }

    @Test
    void missingFieldsAreEachNamed() throws Exception {
        postSession("{ \"needling\": [ {} ] }")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/invalid-request"))
                .andExpect(jsonPath("$.errors[*].field").value(org.hamcrest.Matchers.hasItems(
                        "startedAt", "endedAt", "painBefore", "painAfter",
                        "needling[0].muscle", "needling[0].side", "needling[0].technique", "needling[0].needles",
                        "needling[0].dwellSeconds", "needling[0].twitchResponse")));
    }

    @Test
    void aTherapistIdInTheBodyIsRefusedNamingIt() throws Exception {
        // The therapist is the token's subject; a client still sending one must learn that it is not used.
        invalid(replace("{ \"startedAt\"", "{ \"therapistId\": \"t-1\", \"startedAt\""), "therapistId");
    }

    @Test
    void aMuscleThatIsNotACodeIsRefused() throws Exception {
        invalid(replace("\"muscle\": \"UPPER_TRAPEZIUS\"", "\"muscle\": \"upper trapezius\""), "needling[0].muscle");
    }

    @Test
    void moreThanTwentyNeedlesAreRefused() throws Exception {
        invalid(replace("\"needles\": 2", "\"needles\": 21"), "needling[0].needles");
    }

    @Test
    void noNeedlesAreRefused() throws Exception {
        invalid(replace("\"needles\": 2", "\"needles\": 0"), "needling[0].needles");
    }

    @Test
    void aDwellTimeOverAnHourIsRefused() throws Exception {
        invalid(replace("\"dwellSeconds\": 60", "\"dwellSeconds\": 3601"), "needling[0].dwellSeconds");
    }

    @Test
    void anAdjunctThatIsNotACodeIsRefused() throws Exception {
        invalid(replace("\"MANUAL_THERAPY\"", "\"manual therapy\""), "adjuncts[1]");
    }

    @Test
    void moreThanTwentyAdjunctsAreRefused() throws Exception {
        String many = String.join(", ", java.util.Collections.nCopies(21, "\"STRETCHING\""));
        invalid(replace("\"STRETCHING\", \"MANUAL_THERAPY\"", many), "adjuncts");
    }

    @Test
    void notesLongerThan2000CharactersAreRefused() throws Exception {
        invalid(replace("\"notes\": \"\"", "\"notes\": \"" + "n".repeat(2001) + "\""), "notes");
    }

    @Test
    void anOversizeBodyIsRefusedWith413() throws Exception {
        postSession(replace("\"notes\": \"\"", "\"notes\": \"" + "n".repeat(70_000) + "\""))
                .andExpect(status().isContentTooLarge())
                .andExpect(jsonPath("$.type").value("/problems/payload-too-large"));
    }

    @Test
    void aMalformedPatientIdIsRefusedOnPost() throws Exception {
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post("/api/patients/not-a-uuid/sessions").contentType(MediaType.APPLICATION_JSON).content(VALID))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/invalid-request"))
                .andExpect(jsonPath("$.errors[0].field").value("patientId"));
    }

    @Test
    void aMalformedPatientIdIsRefusedOnList() throws Exception {
        mvc.perform(get("/api/patients/not-a-uuid/sessions"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/invalid-request"))
                .andExpect(jsonPath("$.errors[0].field").value("patientId"));
    }

    @Test
    void aMalformedSessionIdIsRefused() throws Exception {
        mvc.perform(get("/api/sessions/12345"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/invalid-request"))
                .andExpect(jsonPath("$.errors[0].field").value("sessionId"));
    }

    @Test
    void aContraindicationBecomes422WithItsReasons() throws Exception {
        serviceMayBeCalled = true;
        given(sessions.record(eq(PATIENT), any(), any())).willThrow(SafetyRefusalException.of(PATIENT,
                new SafetyVerdict.Contraindicated(List.of("BLEEDING_DISORDER", "NO_CONSENT"))));

        postSession(VALID)
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.type").value("/problems/contraindicated"))
                .andExpect(jsonPath("$.reasons").value(org.hamcrest.Matchers.contains("BLEEDING_DISORDER", "NO_CONSENT")))
                .andExpect(jsonPath("$.detail").value(containsString("BLEEDING_DISORDER")));
    }

    @Test
    void anOpenAdverseEventBecomes409WithTheAlertIds() throws Exception {
        serviceMayBeCalled = true;
        UUID alertId = UUID.randomUUID();
        given(sessions.record(eq(PATIENT), any(), any())).willThrow(SafetyRefusalException.of(PATIENT,
                new SafetyVerdict.AdverseEventReviewRequired(List.of(alertId))));

        postSession(VALID)
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.type").value("/problems/adverse-event-review-required"))
                .andExpect(jsonPath("$.alertIds").value(hasItem(alertId.toString())));
    }

    private ResultActions postSession(String body) throws Exception {
        return mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post(SESSIONS)
                .contentType(MediaType.APPLICATION_JSON).content(body));
    }

    private ResultActions invalid(String body, String field) throws Exception {
        return postSession(body)
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("/problems/invalid-request"))
                .andExpect(jsonPath("$.errors[*].field").value(hasItem(field)));
    }

    /** The valid body with one fragment changed; fails loudly if the fragment is not there. */
    private static String replace(String fragment, String replacement) {
        assertThat(VALID).contains(fragment);
        return VALID.replace(fragment, replacement);
    }

    private static SessionView view(UUID sessionId) {
        return new SessionView(sessionId, PATIENT, "clinic-a", "t-1", NOW.minusSeconds(3600), NOW.minusSeconds(900), List.of(),
                List.of(), 6, 4, List.of(), false, false, "", NeedlingClearance.CLEARED, NOW);
    }
}
