package dev.knotless.session.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.events.Vocabulary.NeedlingClearance;
import dev.knotless.session.patient.PatientSnapshot;
import dev.knotless.session.safety.SafetyGate.Acknowledgements;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SafetyGateTest {

    private static final UUID PATIENT = UUID.fromString("00000000-0000-4000-8000-000000000001");
    private static final UUID ALERT = UUID.fromString("00000000-0000-4000-8000-0000000000a1");
    private static final UUID SESSION = UUID.fromString("00000000-0000-4000-8000-0000000000c1");
    private static final Acknowledgements NOTHING_ACKNOWLEDGED = new Acknowledgements(false, false);
    private static final Acknowledgements EVERYTHING_ACKNOWLEDGED = new Acknowledgements(true, true);

    private final SafetyGate gate = new SafetyGate();

    @Test
    void sessionIsRefusedForAPatientNeverSeen() {
        assertThat(gate.check(Optional.empty(), EVERYTHING_ACKNOWLEDGED)).isInstanceOf(SafetyVerdict.PatientNotFound.class);
    }

    @Test
    void sessionIsRefusedWhenNoIntakeIsKnown() {
        var patient = patient(null, List.of());
        assertThat(gate.check(patient, EVERYTHING_ACKNOWLEDGED)).isInstanceOf(SafetyVerdict.IntakeRequired.class);
    }

    @Test
    void sessionIsRefusedWhenClearanceIsContraindicatedWhateverWasAcknowledged() {
        var patient = patient(NeedlingClearance.CONTRAINDICATED, List.of(), "BLEEDING_DISORDER", "NO_CONSENT");
        assertThat(gate.check(patient, EVERYTHING_ACKNOWLEDGED))
                .isEqualTo(new SafetyVerdict.Contraindicated(List.of("BLEEDING_DISORDER", "NO_CONSENT")));
    }

    @Test
    void sessionIsRefusedWhenPrecautionIsNotAcknowledged() {
        var patient = patient(NeedlingClearance.PRECAUTION, List.of(), "PREGNANT");
        assertThat(gate.check(patient, new Acknowledgements(false, true)))
                .isEqualTo(new SafetyVerdict.PrecautionNotAcknowledged(List.of("PREGNANT")));
    }

    @Test
    void sessionPassesWhenPrecautionIsAcknowledged() {
        var patient = patient(NeedlingClearance.PRECAUTION, List.of(), "ANTICOAGULANTS");
        assertThat(gate.check(patient, new Acknowledgements(true, false)))
                .isEqualTo(new SafetyVerdict.Pass(NeedlingClearance.PRECAUTION));
    }

    @Test
    void sessionPassesForAClearedPatientWithoutAnythingAcknowledged() {
        var patient = patient(NeedlingClearance.CLEARED, List.of());
        assertThat(gate.check(patient, NOTHING_ACKNOWLEDGED)).isEqualTo(new SafetyVerdict.Pass(NeedlingClearance.CLEARED));
    }

    @Test
    void sessionIsRefusedWhileASignificantAdverseEventIsOpenAndNotReviewed() {
        var patient = patient(NeedlingClearance.CLEARED, List.of(openAdverseEvent()));
        assertThat(gate.check(patient, new Acknowledgements(true, false)))
                .isEqualTo(new SafetyVerdict.AdverseEventReviewRequired(List.of(ALERT)));
    }

    @Test
    void sessionPassesWhenTheOpenAdverseEventWasReviewed() {
        var patient = patient(NeedlingClearance.CLEARED, List.of(openAdverseEvent()));
        assertThat(gate.check(patient, new Acknowledgements(false, true))).isEqualTo(new SafetyVerdict.Pass(NeedlingClearance.CLEARED));
    }

    @Test
    void contraindicationIsReportedBeforeAnOpenAdverseEvent() {
        var patient = patient(NeedlingClearance.CONTRAINDICATED, List.of(openAdverseEvent()), "SEVERE_NEEDLE_PHOBIA");
        assertThat(gate.check(patient, NOTHING_ACKNOWLEDGED)).isInstanceOf(SafetyVerdict.Contraindicated.class);
    }

    @Test
    void missingPrecautionAcknowledgementIsReportedBeforeAnOpenAdverseEvent() {
        var patient = patient(NeedlingClearance.PRECAUTION, List.of(openAdverseEvent()), "IMMUNOCOMPROMISED");
        assertThat(gate.check(patient, NOTHING_ACKNOWLEDGED)).isInstanceOf(SafetyVerdict.PrecautionNotAcknowledged.class);
    }

    @Test
    void acknowledgedPrecautionStillNeedsTheAdverseEventReviewed() {
        var patient = patient(NeedlingClearance.PRECAUTION, List.of(openAdverseEvent()), "PREGNANT");
        assertThat(gate.check(patient, new Acknowledgements(true, false)))
                .isEqualTo(new SafetyVerdict.AdverseEventReviewRequired(List.of(ALERT)));
        assertThat(gate.check(patient, EVERYTHING_ACKNOWLEDGED)).isEqualTo(new SafetyVerdict.Pass(NeedlingClearance.PRECAUTION));
    }

    @Test
    void missingIntakeIsReportedBeforeAnOpenAdverseEvent() {
        var patient = patient(null, List.of(openAdverseEvent()));
        assertThat(gate.check(patient, NOTHING_ACKNOWLEDGED)).isInstanceOf(SafetyVerdict.IntakeRequired.class);
    }

    @Test
    void everyOpenAdverseEventIsNamed() {
        UUID second = UUID.fromString("00000000-0000-4000-8000-0000000000a2");
        var patient = patient(NeedlingClearance.CLEARED, List.of(openAdverseEvent(),
                new PatientSnapshot.OpenAdverseEvent(second, SESSION, Instant.parse("2026-11-21T10:00:00Z"))));
        assertThat(gate.check(patient, NOTHING_ACKNOWLEDGED))
                .isEqualTo(new SafetyVerdict.AdverseEventReviewRequired(List.of(ALERT, second)));
    }

    @Test
    void sessionIsRefusedForAPatientDischargedSinceTheLatestIntake() {
        var discharged = patient(NeedlingClearance.CLEARED, List.of()).map(p ->
                new PatientSnapshot(p.patientId(), p.clinicId(), p.latestIntake(), true, p.openAdverseEvents()));
        assertThat(gate.check(discharged, EVERYTHING_ACKNOWLEDGED)).isInstanceOf(SafetyVerdict.DischargedSinceIntake.class);
    }

    private static PatientSnapshot.OpenAdverseEvent openAdverseEvent() {
        return new PatientSnapshot.OpenAdverseEvent(ALERT, SESSION, Instant.parse("2026-11-21T09:00:00Z"));
    }

    private static Optional<PatientSnapshot> patient(NeedlingClearance clearance, List<PatientSnapshot.OpenAdverseEvent> open,
                                                     String... reasons) {
        Optional<PatientSnapshot.Intake> intake = Optional.ofNullable(clearance).map(c -> new PatientSnapshot.Intake(
                UUID.fromString("00000000-0000-4000-8000-0000000000b1"), Instant.parse("2026-11-18T14:00:00Z"), c, List.of(reasons)));
        return Optional.of(new PatientSnapshot(PATIENT, "clinic-a", intake, false, open));
    }
}
