package dev.knotless.intake.patient;

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

import dev.knotless.intake.WebSliceSupport;
import dev.knotless.platform.audit.AuditAction;
import dev.knotless.platform.web.ProblemException;
import java.time.LocalDate;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** Bad input of the patient endpoints: a 4xx problem naming the field, and the service is never reached. */
@WebMvcTest(PatientController.class)
@Import(WebSliceSupport.class)
class PatientControllerTest {

    static final UUID PATIENT = UUID.fromString("00000000-0000-4000-8000-000000000001");

    static final String VALID = """
            { "clinicId": "clinic-a", "givenName": "Test", "familyName": "Patient-A", "dateOfBirth": "1980-04-02",
              "email": "patient-a@example.org", "phone": "+41 (0)44 123-45-67" }
            """;

    @Autowired
    MockMvc mvc;

    @MockitoBean
    PatientService patients;

    private boolean serviceMayBeCalled;

    @AfterEach
    void badInputNeverReachesTheService() {
        if (!serviceMayBeCalled) {
            verifyNoInteractions(patients);
        }
    }

    @Test
    void aValidRegistrationAnswers201WithTheViewAndItsLocation() throws Exception {
        serviceMayBeCalled = true;
        given(patients.register(any(), any())).willReturn(view());

        register(VALID)
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", "/api/patients/" + PATIENT))
                .andExpect(jsonPath("$.patientId").value(PATIENT.toString()))
                .andExpect(jsonPath("$.clinicId").value("clinic-a"))
                .andExpect(jsonPath("$.dateOfBirth").value("1980-04-02"))
                .andExpect(jsonPath("$.registeredAt").value(NOW.toString()));
    }

    @Test
    void emailAndPhoneAreOptionalAndEmptyMeansNotGiven() throws Exception {
        serviceMayBeCalled = true;
        given(patients.register(any(), any())).willReturn(view());

        register(replace(VALID, "\"patient-a@example.org\", \"phone\": \"+41 (0)44 123-45-67\"", "\"\", \"phone\": \" \""))
                .andExpect(status().isCreated());

        var request = ArgumentCaptor.forClass(RegisterPatientRequest.class);
        verify(patients).register(request.capture(), eq(WebSliceSupport.THERAPIST_A));
        assertThat(request.getValue().email()).isNull();
        assertThat(request.getValue().phone()).isNull();
        assertThat(request.getValue().dateOfBirth()).isEqualTo(LocalDate.of(1980, 4, 2));
    }

    @Test
    void malformedJsonIsRefused() throws Exception {
        expectProblem(register("{ \"clinicId\": \"clinic-a\", "), 400, "/problems/malformed-json");
    }

    @Test
    void aMissingBodyIsRefused() throws Exception {
        expectProblem(register(""), 400, "/problems/malformed-json");
    }

    @Test
    void aDateOfBirthThatIsNotADateIsRefusedNamingTheField() throws Exception {
        expectInvalid(register(replace(VALID, "\"1980-04-02\"", "\"yesterday\"")), "dateOfBirth");
    }

    @Test
    void aNameGivenAsAnObjectIsRefusedNamingTheField() throws Exception {
        expectInvalid(register(replace(VALID, "\"Test\"", "{ \"first\": \"Test\" }")), "givenName");
    }

    @Test
    void aClinicIdGivenAsANumberIsRefusedNotTurnedIntoText() throws Exception {
        expectInvalid(register(replace(VALID, "\"clinic-a\"", "42")), "clinicId");
    }

    @Test
    void aClinicIdOutsideThePatternIsRefused() throws Exception {
        expectInvalid(register(replace(VALID, "\"clinic-a\"", "\"Clinic A\"")), "clinicId");
        expectInvalid(register(replace(VALID, "\"clinic-a\"", "\"-clinic\"")), "clinicId");
        expectInvalid(register(replace(VALID, "\"clinic-a\"", "\"c\"")), "clinicId");
        expectInvalid(register(replace(VALID, "\"clinic-a\"", "\"c" + "a".repeat(63) + "\"")), "clinicId");
    }

    @Test
    void theClinicIdMayBeLeftOutSinceTheClinicIsTheTokens() throws Exception {
        serviceMayBeCalled = true;
        given(patients.register(any(), any())).willReturn(view());

        register(replace(VALID, "\"clinicId\": \"clinic-a\", ", "")).andExpect(status().isCreated());

        var request = ArgumentCaptor.forClass(RegisterPatientRequest.class);
        verify(patients).register(request.capture(), eq(WebSliceSupport.THERAPIST_A));
        assertThat(request.getValue().clinicId()).isNull();
    }

    @Test
    void blankOrOverlongNamesAreRefused() throws Exception {
        expectInvalid(register(replace(VALID, "\"Test\"", "\"  \"")), "givenName");
        expectInvalid(register(replace(VALID, "\"Patient-A\"", "\"" + "P".repeat(101) + "\"")), "familyName");
        expectInvalid(register(replace(VALID, "\"familyName\": \"Patient-A\", ", "")), "familyName");
    }

    @Test
    void aDateOfBirthInTheFutureOrTodayIsRefused() throws Exception {
        expectInvalid(register(replace(VALID, "\"1980-04-02\"", "\"2027-01-01\"")), "dateOfBirth");
        expectInvalid(register(replace(VALID, "\"1980-04-02\"", "\"2026-11-20\"")), "dateOfBirth");
    }

    @Test
    void aDateOfBirthBefore1900IsRefused() throws Exception {
        expectInvalid(register(replace(VALID, "\"1980-04-02\"", "\"1899-12-31\"")), "dateOfBirth");
    }

    @Test
    void aMissingDateOfBirthIsRefused() throws Exception {
        expectInvalid(register(replace(VALID, "\"dateOfBirth\": \"1980-04-02\",", "")), "dateOfBirth");
    }

    @Test
    void aBadEmailIsRefused() throws Exception {
        expectInvalid(register(replace(VALID, "\"patient-a@example.org\"", "\"not-an-email\"")), "email");
    }

    @Test
    void aBadPhoneIsRefused() throws Exception {
        expectInvalid(register(replace(VALID, "\"+41 (0)44 123-45-67\"", "\"call me\"")), "phone");
        expectInvalid(register(replace(VALID, "\"+41 (0)44 123-45-67\"", "\"123\"")), "phone");
    }

    @Test
    void anOversizedBodyIsRefusedWith413() throws Exception {
        expectProblem(register(oversized(VALID, 65 * 1024)), 413, "/problems/payload-too-large");
    }

    @Test
    void aKnownPatientIsShown() throws Exception {
        serviceMayBeCalled = true;
        given(patients.require(PATIENT, AuditAction.READ, "patient", PATIENT)).willReturn(view());

        mvc.perform(get("/api/patients/{patientId}", PATIENT))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.givenName").value("Test"))
                .andExpect(jsonPath("$.email").value("patient-a@example.org"));
    }

    @Test
    void anUnknownPatientIsNotFound() throws Exception {
        serviceMayBeCalled = true;
        given(patients.require(PATIENT, AuditAction.READ, "patient", PATIENT)).willThrow(ProblemException.notFound("patient", PATIENT));

        expectProblem(mvc.perform(get("/api/patients/{patientId}", PATIENT)), 404, "/problems/patient-not-found");
    }

    @Test
    void aMalformedPatientIdIsRefusedNamingIt() throws Exception {
        expectInvalid(mvc.perform(get("/api/patients/{patientId}", "not-a-uuid")), "patientId");
    }

    private ResultActions register(String body) throws Exception {
        return mvc.perform(post("/api/patients").contentType(MediaType.APPLICATION_JSON).content(body));
    }

    private static PatientView view() {
        return new PatientView(PATIENT, "clinic-a", "Test", "Patient-A", LocalDate.of(1980, 4, 2), "patient-a@example.org",
                "+41 (0)44 123-45-67", NOW);
    }
}
