package dev.knotless.intake.assessment;

import static dev.knotless.intake.WebSliceSupport.NOW;
import static dev.knotless.intake.WebSliceSupport.expectInvalid;
import static dev.knotless.intake.WebSliceSupport.expectProblem;
import static dev.knotless.intake.WebSliceSupport.oversized;
import static dev.knotless.intake.WebSliceSupport.replace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.knotless.events.EventPayload.RomReading;
import dev.knotless.events.Vocabulary.AssessmentKind;
import dev.knotless.events.Vocabulary.BodyRegion;
import dev.knotless.events.Vocabulary.Joint;
import dev.knotless.events.Vocabulary.Movement;
import dev.knotless.events.Vocabulary.NeedlingClearance;
import dev.knotless.events.Vocabulary.Side;
import dev.knotless.intake.WebSliceSupport;
import dev.knotless.platform.web.ProblemException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** Bad input of the assessment endpoints: a 4xx problem naming the field, and the service is never reached. */
@WebMvcTest(AssessmentController.class)
@Import(WebSliceSupport.class)
class AssessmentControllerTest {

    static final UUID PATIENT = UUID.fromString("00000000-0000-4000-8000-000000000001");
    static final UUID ASSESSMENT = UUID.fromString("00000000-0000-4000-8000-0000000000a1");
    static final String ASSESSMENTS = "/api/patients/{patientId}/assessments";

    static final String VALID = """
            { "assessedAt": "2026-11-19T14:00:00Z", "kind": "PROGRESS", "painNprs": 4,
              "rom": [ { "joint": "SHOULDER", "movement": "FLEXION", "side": "RIGHT", "degrees": 150 } ] }
            """;

    @Autowired
    MockMvc mvc;

    @MockitoBean
    AssessmentService assessments;

    private boolean serviceMayBeCalled;

    @AfterEach
    void badInputNeverReachesTheService() {
        if (!serviceMayBeCalled) {
            verifyNoInteractions(assessments);
        }
    }

    @Test
    void aValidReassessmentAnswers201WithItsLocation() throws Exception {
        serviceMayBeCalled = true;
        given(assessments.recordReassessment(eq(PATIENT), any(), any()))
                .willReturn(new ReassessmentCreated(ASSESSMENT, PATIENT, AssessmentKind.PROGRESS));

        reassess(VALID)
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", "/api/patients/" + PATIENT + "/assessments/" + ASSESSMENT))
                .andExpect(jsonPath("$.assessmentId").value(ASSESSMENT.toString()))
                .andExpect(jsonPath("$.patientId").value(PATIENT.toString()))
                .andExpect(jsonPath("$.kind").value("PROGRESS"));

        var request = ArgumentCaptor.forClass(ReassessmentRequest.class);
        verify(assessments).recordReassessment(eq(PATIENT), request.capture(), eq(WebSliceSupport.THERAPIST_A));
        assertThat(request.getValue().kind()).isEqualTo(AssessmentKind.PROGRESS);
        assertThat(request.getValue().rom()).singleElement().satisfies(rom -> assertThat(rom.degrees()).isEqualTo(150));
    }

    @Test
    void aReassessmentBeforeTheIntakeIsAConflict() throws Exception {
        serviceMayBeCalled = true;
        given(assessments.recordReassessment(eq(PATIENT), any(), any())).willThrow(
                new ProblemException(HttpStatus.CONFLICT, "intake-required", "Intake required", "no intake yet"));

        expectProblem(reassess(VALID), 409, "/problems/intake-required");
    }

    @Test
    void malformedJsonIsRefused() throws Exception {
        expectProblem(reassess("{ \"kind\": "), 400, "/problems/malformed-json");
    }

    @Test
    void aPainGivenAsAWordIsRefusedNamingTheField() throws Exception {
        expectInvalid(reassess(replace(VALID, "\"painNprs\": 4", "\"painNprs\": \"seven\"")), "painNprs");
    }

    @Test
    void aFractionalPainIsRefusedNotTruncated() throws Exception {
        expectInvalid(reassess(replace(VALID, "\"painNprs\": 4", "\"painNprs\": 4.5")), "painNprs");
    }

    @ParameterizedTest
    @ValueSource(strings = {"INTAKE", "progress", "FOLLOW_UP"})
    void aKindOtherThanProgressOrDischargeIsRefused(String kind) throws Exception {
        expectInvalid(reassess(replace(VALID, "\"PROGRESS\"", "\"" + kind + "\"")), "kind");
    }

    @Test
    void aMissingKindIsRefused() throws Exception {
        expectInvalid(reassess(replace(VALID, "\"kind\": \"PROGRESS\", ", "")), "kind");
    }

    @Test
    void anUnknownSideIsRefusedNamingTheField() throws Exception {
        expectInvalid(reassess(replace(VALID, "\"RIGHT\"", "\"UP\"")), "rom[0].side");
    }

    @Test
    void aPainOfElevenIsRefused() throws Exception {
        expectInvalid(reassess(replace(VALID, "\"painNprs\": 4", "\"painNprs\": 11")), "painNprs");
    }

    @Test
    void negativeDegreesAreRefused() throws Exception {
        expectInvalid(reassess(replace(VALID, "\"degrees\": 150", "\"degrees\": -5")), "rom[0].degrees");
    }

    @Test
    void degreesBeyondTheJointMaximumAreRefused() throws Exception {
        expectInvalid(reassess(replace(VALID, "\"degrees\": 150", "\"degrees\": 400")), "rom[0].degrees");
    }

    @Test
    void aJointAndMovementThatAreNotMeasuredTogetherAreRefused() throws Exception {
        expectInvalid(reassess(replace(VALID, "\"movement\": \"FLEXION\"", "\"movement\": \"PRONATION\"")), "rom[0].movement");
    }

    @Test
    void aNullReadingIsRefused() throws Exception {
        expectInvalid(reassess(VALID.replaceAll("\"rom\": \\[[^]]*]", "\"rom\": [ null ]")), "rom[0]");
    }

    @Test
    void anAssessmentInTheFutureIsRefused() throws Exception {
        expectInvalid(reassess(replace(VALID, "\"2026-11-19T14:00:00Z\"", "\"" + NOW.plusSeconds(1) + "\"")), "assessedAt");
    }

    @Test
    void aMissingAssessmentTimeIsRefused() throws Exception {
        expectInvalid(reassess(replace(VALID, "\"assessedAt\": \"2026-11-19T14:00:00Z\", ", "")), "assessedAt");
    }

    @Test
    void aTherapistIdInTheBodyIsRefusedNamingIt() throws Exception {
        expectInvalid(reassess(replace(VALID, "{ \"assessedAt\"", "{ \"therapistId\": \"t-1\", \"assessedAt\"")), "therapistId");
    }

    @Test
    void aMalformedPatientIdIsRefusedNamingIt() throws Exception {
        expectInvalid(mvc.perform(post(ASSESSMENTS, "not-a-uuid").contentType(MediaType.APPLICATION_JSON).content(VALID)),
                "patientId");
        expectInvalid(mvc.perform(get(ASSESSMENTS, "not-a-uuid")), "patientId");
        expectInvalid(mvc.perform(get(ASSESSMENTS + "/{assessmentId}", "not-a-uuid", ASSESSMENT)), "patientId");
    }

    @Test
    void aMalformedAssessmentIdIsRefusedNamingIt() throws Exception {
        expectInvalid(mvc.perform(get(ASSESSMENTS + "/{assessmentId}", PATIENT, "a1")), "assessmentId");
    }

    @Test
    void anUnknownPatientIsNotFound() throws Exception {
        serviceMayBeCalled = true;
        given(assessments.recordReassessment(eq(PATIENT), any(), any())).willThrow(ProblemException.notFound("patient", PATIENT));
        given(assessments.assessmentsOf(PATIENT)).willThrow(ProblemException.notFound("patient", PATIENT));

        expectProblem(reassess(VALID), 404, "/problems/patient-not-found");
        expectProblem(mvc.perform(get(ASSESSMENTS, PATIENT)), 404, "/problems/patient-not-found");
    }

    @Test
    void anUnknownAssessmentIsNotFound() throws Exception {
        serviceMayBeCalled = true;
        given(assessments.assessment(PATIENT, ASSESSMENT)).willThrow(ProblemException.notFound("assessment", ASSESSMENT));

        expectProblem(mvc.perform(get(ASSESSMENTS + "/{assessmentId}", PATIENT, ASSESSMENT)), 404,
                "/problems/assessment-not-found");
    }

    @Test
    void anOversizedBodyIsRefusedWith413() throws Exception {
        expectProblem(reassess(oversized(VALID, 65 * 1024)), 413, "/problems/payload-too-large");
    }

    @Test
    void theListShowsViewsWithIntakeFieldsOnlyOnTheIntake() throws Exception {
        serviceMayBeCalled = true;
        var rom = List.of(new RomReading(Joint.SHOULDER, Movement.FLEXION, Side.RIGHT, 120, null));
        given(assessments.assessmentsOf(PATIENT)).willReturn(List.of(
                new AssessmentView(UUID.randomUUID(), PATIENT, Kind.INTAKE, Instant.parse("2026-11-18T14:00:00Z"), "t-1", 7, rom,
                        List.of(new ComplaintRecord(BodyRegion.SHOULDER, Side.RIGHT, "overuse")), NeedlingClearance.CLEARED, List.of(),
                        NOW),
                new AssessmentView(ASSESSMENT, PATIENT, Kind.PROGRESS, Instant.parse("2026-11-19T14:00:00Z"), "t-1", 4, rom,
                        null, null, null, NOW)));

        mvc.perform(get(ASSESSMENTS, PATIENT))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$[0].kind").value("INTAKE"))
                .andExpect(jsonPath("$[0].needlingClearance").value("CLEARED"))
                .andExpect(jsonPath("$[0].complaints[0].bodyRegion").value("SHOULDER"))
                .andExpect(jsonPath("$[0].rom[0].phase").doesNotExist())
                .andExpect(jsonPath("$[0].outbox").doesNotExist())
                .andExpect(jsonPath("$[1].kind").value("PROGRESS"))
                .andExpect(jsonPath("$[1].painNprs").value(4))
                .andExpect(jsonPath("$[1].needlingClearance").doesNotExist())
                .andExpect(jsonPath("$[1].complaints").doesNotExist());
    }

    private ResultActions reassess(String body) throws Exception {
        return mvc.perform(post(ASSESSMENTS, PATIENT).contentType(MediaType.APPLICATION_JSON).content(body));
    }
}
