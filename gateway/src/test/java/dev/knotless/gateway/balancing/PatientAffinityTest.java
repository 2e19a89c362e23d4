package dev.knotless.gateway.balancing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PatientAffinityTest {

    @Test
    void aPatientsPathsNameOneInstanceWhateverFollowsTheId() {
        String patient = "5f0c0d8e-2a8b-4d36-9d4e-0c8a7e1f2b3c";
        String hint = PatientAffinity.hint("/api/patients/" + patient, 2);

        assertThat(hint).isIn("0", "1");
        assertThat(PatientAffinity.hint("/api/patients/" + patient + "/sessions", 2)).isEqualTo(hint);
        assertThat(PatientAffinity.hint("/api/patients/" + patient + "/timeline", 2)).isEqualTo(hint);
        assertThat(PatientAffinity.hint("/api/patients/" + patient + "/intake", 3)).isIn("0", "1", "2");
    }

    @Test
    void noHintForRequestsAboutNoPatientOrWithOneInstance() {
        assertThat(PatientAffinity.hint("/api/patients", 2)).isNull();
        assertThat(PatientAffinity.hint("/api/sessions/s-1", 2)).isNull();
        assertThat(PatientAffinity.hint("/api/surveys/t0k3n", 2)).isNull();
        assertThat(PatientAffinity.hint("/api/patients/p-1/sessions", 1)).isNull();
    }

    @Test
    void patientsSpreadOverTheInstances() {
        long atZero = java.util.stream.IntStream.range(0, 1000)
                .mapToObj(i -> PatientAffinity.hint("/api/patients/" + java.util.UUID.nameUUIDFromBytes(("p" + i).getBytes()), 2))
                .filter("0"::equals).count();
        assertThat(atZero).isBetween(400L, 600L);
    }
}
