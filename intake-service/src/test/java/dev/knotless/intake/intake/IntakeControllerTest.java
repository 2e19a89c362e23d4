package dev.knotless.intake.intake;

import static dev.knotless.intake.WebSliceSupport.NOW;
import static dev.knotless.intake.WebSliceSupport.expectInvalid;
import static dev.knotless.intake.WebSliceSupport.expectProblem;
import static dev.knotless.intake.WebSliceSupport.oversized;
import static dev.knotless.intake.WebSliceSupport.replace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.knotless.events.Vocabulary.NeedlingClearance;
import dev.knotless.intake.WebSliceSupport;
import dev.knotless.platform.web.ProblemException;
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
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** Bad input of the intake endpoint: a 4xx problem naming the field, and the service is never reached. */
@WebMvcTest(IntakeController.class)
@Import(WebSliceSupport.class)
class IntakeControllerTest {

    static final UUID PATIENT = UUID.fromString("00000000-0000-4000-8000-000000000001");
    static final String INTAKE = "/api/patients/{patientId}/intake";

    /** The intake body of DESIGN.md, without therapistId (the token's subject). */
    static final String VALID = """
            { "assessedAt": "2026-11-18T14:00:00Z",
              "complaints": [ { "bodyRegion": "SHOULDER", "side": "RIGHT", "description": "overuse" } ],
              "painNprs": 7,
              "screening": { "pregnant": false, "bleedingDisorder": false, "anticoagulants": false,
                             "infectionOrWoundAtSite": false, "severeNeedlePhobia": false, "immunocompromised": false },
              "consent": true,
              "rom": [ { "joint": "SHOULDER", "movement": "FLEXION", "side": "RIGHT", "degrees": 120 } ] }
            """;

    @Autowired
    MockMvc mvc;

    @MockitoBean
    IntakeService intakes;

    private boolean serviceMayBeCalled;

    @AfterEach
    void badInputNeverReachesTheService() {
        if (!serviceMayBeCalled) {
            verifyNoInteractions(intakes);
        }
    }

    @Test
    void aValidIntakeAnswers201WithTheClearanceAndTheAssessmentsLocation() throws Exception {
        serviceMayBeCalled = true;
        UUID assessmentId = UUID.randomUUID();
        given(intakes.record(eq(PATIENT), any(), any())).willReturn(
                new IntakeView(assessmentId, PATIENT, NeedlingClearance.PRECAUTION, List.of(ScreeningFinding.PREGNANT)));

        intake(VALID)
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", "/api/patients/" + PATIENT + "/assessments/" + assessmentId))
                .andExpect(jsonPath("$.assessmentId").value(assessmentId.toString()))
                .andExpect(jsonPath("$.patientId").value(PATIENT.toString()))
                .andExpect(jsonPath("$.needlingClearance").value("PRECAUTION"))
                .andExpect(jsonPath("$.reasons[0]").value("PREGNANT"));

        var request = ArgumentCaptor.forClass(IntakeRequest.class);
        verify(intakes).record(eq(PATIENT), request.capture(), eq(WebSliceSupport.THERAPIST_A));
        assertThat(request.getValue().screening().toAnswers()).isEqualTo(ScreeningAnswers.none());
        assertThat(request.getValue().consent()).isTrue();
        assertThat(request.getValue().rom()).singleElement().satisfies(rom -> assertThat(rom.degrees()).isEqualTo(120));
    }

    @Test
    void romMayBeLeftOutOrEmpty() throws Exception {
        serviceMayBeCalled = true;
        given(intakes.record(eq(PATIENT), any(), any())).willReturn(
                new IntakeView(UUID.randomUUID(), PATIENT, NeedlingClearance.CLEARED, List.of()));
        String emptyRom = VALID.replaceAll("\"rom\": \\[[^]]*]", "\"rom\": []");
        String noRom = VALID.replaceAll(",\\s*\"rom\": \\[[^]]*]", "");
        assertThat(emptyRom).contains("\"rom\": []");
        assertThat(noRom).doesNotContain("\"rom\"");

        intake(emptyRom).andExpect(status().isCreated());
        intake(noRom).andExpect(status().isCreated());

        var request = ArgumentCaptor.forClass(IntakeRequest.class);
        verify(intakes, times(2)).record(eq(PATIENT), request.capture(), any());
        assertThat(request.getAllValues()).allSatisfy(r -> assertThat(r.rom()).isEmpty());
    }

    @Test
    void malformedJsonIsRefused() throws Exception {
        expectProblem(intake("{ \"assessedAt\": \"2026-11-18T14:00:00Z\", "), 400, "/problems/malformed-json");
    }

    @Test
    void aPainGivenAsAWordIsRefusedNamingTheField() throws Exception {
        expectInvalid(intake(replace(VALID, "\"painNprs\": 7", "\"painNprs\": \"seven\"")), "painNprs");
    }

    @Test
    void aFractionalPainIsRefusedNotTruncated() throws Exception {
        expectInvalid(intake(replace(VALID, "\"painNprs\": 7", "\"painNprs\": 7.9")), "painNprs");
    }

    @Test
    void aPainGivenAsTextIsRefused() throws Exception {
        expectInvalid(intake(replace(VALID, "\"painNprs\": 7", "\"painNprs\": \"7\"")), "painNprs");
    }

    @Test
    void aScreeningAnswerGivenAsANumberOrTextIsRefused() throws Exception {
        expectInvalid(intake(replace(VALID, "\"pregnant\": false", "\"pregnant\": 0")), "screening.pregnant");
        expectInvalid(intake(replace(VALID, "\"pregnant\": false", "\"pregnant\": \"false\"")), "screening.pregnant");
    }

    @Test
    void aTherapistIdInTheBodyIsRefusedNamingIt() throws Exception {
        // The therapist is the token's subject; a client still sending one must learn that it is not used.
        expectInvalid(intake(replace(VALID, "{ \"assessedAt\"", "{ \"therapistId\": \"t-1\", \"assessedAt\"")), "therapistId");
        expectInvalid(intake(replace(VALID, "{ \"assessedAt\"", "{ \"therapistId\": 1, \"assessedAt\"")), "therapistId");
    }

    @Test
    void anUnknownSideIsRefusedNamingTheField() throws Exception {
        expectInvalid(intake(replace(VALID, "\"side\": \"RIGHT\", \"description\"", "\"side\": \"UP\", \"description\"")),
                "complaints[0].side");
        expectInvalid(intake(replace(VALID, "\"side\": \"RIGHT\", \"degrees\"", "\"side\": \"UP\", \"degrees\"")), "rom[0].side");
    }

    @Test
    void anUnknownBodyRegionIsRefusedNamingTheField() throws Exception {
        expectInvalid(intake(replace(VALID, "\"SHOULDER\", \"side\": \"RIGHT\", \"description\"",
                "\"ELBOWS\", \"side\": \"RIGHT\", \"description\"")), "complaints[0].bodyRegion");
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 11})
    void aPainOutsideZeroToTenIsRefused(int pain) throws Exception {
        expectInvalid(intake(replace(VALID, "\"painNprs\": 7", "\"painNprs\": " + pain)), "painNprs");
    }

    @Test
    void aMissingPainIsRefused() throws Exception {
        expectInvalid(intake(replace(VALID, "\"painNprs\": 7,", "")), "painNprs");
    }

    @Test
    void negativeDegreesAreRefused() throws Exception {
        expectInvalid(intake(replace(VALID, "\"degrees\": 120", "\"degrees\": -5")), "rom[0].degrees");
    }

    @Test
    void degreesBeyondTheJointMaximumAreRefused() throws Exception {
        expectInvalid(intake(replace(VALID, "\"degrees\": 120", "\"degrees\": 400")), "rom[0].degrees");
    }

    @Test
    void aJointAndMovementThatAreNotMeasuredTogetherAreRefused() throws Exception {
        expectInvalid(intake(replace(VALID, "\"joint\": \"SHOULDER\", \"movement\": \"FLEXION\"",
                "\"joint\": \"KNEE\", \"movement\": \"ABDUCTION\"")), "rom[0].movement");
    }

    @Test
    void aReadingWithoutDegreesIsRefused() throws Exception {
        expectInvalid(intake(replace(VALID, ", \"degrees\": 120", "")), "rom[0].degrees");
    }

    @Test
    void anAssessmentInTheFutureIsRefused() throws Exception {
        expectInvalid(intake(replace(VALID, "\"2026-11-18T14:00:00Z\"", "\"" + NOW.plusSeconds(60) + "\"")), "assessedAt");
    }

    @Test
    void anAssessmentTimeThatIsNotATimestampIsRefusedNamingIt() throws Exception {
        expectInvalid(intake(replace(VALID, "\"2026-11-18T14:00:00Z\"", "\"yesterday\"")), "assessedAt");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pregnant", "bleedingDisorder", "anticoagulants", "infectionOrWoundAtSite", "severeNeedlePhobia",
            "immunocompromised"})
    void aMissingScreeningAnswerIsNotANoAndIsNamed(String answer) throws Exception {
        String body = VALID.replaceAll("\"" + answer + "\": false,? ?", "").replace(", }", " }");
        assertThat(body).doesNotContain("\"" + answer + "\"");

        expectInvalid(intake(body), "screening." + answer);
    }

    @Test
    void aNullScreeningAnswerIsRefused() throws Exception {
        expectInvalid(intake(replace(VALID, "\"pregnant\": false", "\"pregnant\": null")), "screening.pregnant");
    }

    @Test
    void aMissingScreeningIsRefused() throws Exception {
        expectInvalid(intake(VALID.replaceAll("\"screening\": \\{[^}]*},", "")), "screening");
    }

    @Test
    void aMissingConsentIsRefused() throws Exception {
        expectInvalid(intake(replace(VALID, "\"consent\": true,", "")), "consent");
    }

    @Test
    void aConsentThatIsNotABooleanIsRefused() throws Exception {
        expectInvalid(intake(replace(VALID, "\"consent\": true", "\"consent\": \"maybe\"")), "consent");
    }

    @Test
    void atLeastOneComplaintIsRequired() throws Exception {
        expectInvalid(intake(VALID.replaceAll("\"complaints\": \\[[^]]*]", "\"complaints\": []")), "complaints");
        expectInvalid(intake(VALID.replaceAll("\"complaints\": \\[[^]]*],", "")), "complaints");
    }

    @Test
    void aComplaintNeedsBodyRegionAndSide() throws Exception {
        expectInvalid(intake(replace(VALID, "\"bodyRegion\": \"SHOULDER\", ", "")), "complaints[0].bodyRegion");
        expectInvalid(intake(replace(VALID, "\"side\": \"RIGHT\", \"description\"", "\"description\"")), "complaints[0].side");
    }

    @Test
    void aComplaintDescriptionOver500CharactersIsRefused() throws Exception {
        expectInvalid(intake(replace(VALID, "\"overuse\"", "\"" + "o".repeat(501) + "\"")), "complaints[0].description");
    }

    @Test
    void aMalformedPatientIdIsRefusedNamingIt() throws Exception {
        expectInvalid(mvc.perform(post(INTAKE, "42").contentType(MediaType.APPLICATION_JSON).content(VALID)), "patientId");
    }

    @Test
    void anUnknownPatientIsNotFound() throws Exception {
        serviceMayBeCalled = true;
        given(intakes.record(eq(PATIENT), any(), any())).willThrow(ProblemException.notFound("patient", PATIENT));

        expectProblem(intake(VALID), 404, "/problems/patient-not-found");
    }

    @Test
    void anOversizedBodyIsRefusedWith413() throws Exception {
        expectProblem(intake(oversized(VALID, 65 * 1024)), 413, "/problems/payload-too-large");
    }

    private ResultActions intake(String body) throws Exception {
        return mvc.perform(post(INTAKE, PATIENT).contentType(MediaType.APPLICATION_JSON).content(body));
    }
}
