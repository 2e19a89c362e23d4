package dev.knotless.session.patient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload;
import dev.knotless.events.EventPayload.AlertAcknowledged;
import dev.knotless.events.EventPayload.AlertRaised;
import dev.knotless.events.EventPayload.AssessmentRecorded;
import dev.knotless.events.EventPayload.IntakeCompleted;
import dev.knotless.events.EventPayload.PatientRegistered;
import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.AlertRule;
import dev.knotless.events.Vocabulary.AssessmentKind;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.NeedlingClearance;
import dev.knotless.platform.messaging.UndecodableEventException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How one event changes what session-service knows of a patient. */
class PatientDocumentTest {

    private static final UUID PATIENT = UUID.fromString("00000000-0000-4000-8000-000000000001");
    private static final UUID SESSION = UUID.fromString("00000000-0000-4000-8000-0000000000c1");
    private static final Instant DAY_1 = Instant.parse("2026-11-18T14:00:00Z");
    private static final Instant DAY_2 = Instant.parse("2026-11-19T14:00:00Z");
    private static final Instant DAY_3 = Instant.parse("2026-11-20T14:00:00Z");

    private final PatientDocument patient = new PatientDocument(PATIENT);

    @Test
    void theLatestIntakeByAssessedAtWinsWhenTheEventsArriveInOrder() {
        patient.apply(intake(DAY_1, NeedlingClearance.CONTRAINDICATED, "BLEEDING_DISORDER"));
        patient.apply(intake(DAY_2, NeedlingClearance.CLEARED));

        assertThat(latestIntake().needlingClearance()).isEqualTo(NeedlingClearance.CLEARED);
        assertThat(latestIntake().assessedAt()).isEqualTo(DAY_2);
    }

    @Test
    void aCorrectedIntakeWithTheSameAssessedAtReplacesTheFirstWhicheverArrivesLast() {
        var first = recordedAt(DAY_3, intake(DAY_1, NeedlingClearance.CLEARED));
        var corrected = recordedAt(DAY_3.plusSeconds(600), intake(DAY_1, NeedlingClearance.PRECAUTION, "ANTICOAGULANTS"));

        patient.apply(first);
        patient.apply(corrected);
        assertThat(latestIntake().needlingClearance()).isEqualTo(NeedlingClearance.PRECAUTION);

        var outOfOrder = new PatientDocument(PATIENT);
        outOfOrder.apply(corrected);
        outOfOrder.apply(first);
        assertThat(outOfOrder.toSnapshot().latestIntake().orElseThrow().needlingClearance()).isEqualTo(NeedlingClearance.PRECAUTION);
    }

    @Test
    void theLatestIntakeByAssessedAtWinsWhenAnOlderIntakeArrivesLast() {
        var newer = intake(DAY_2, NeedlingClearance.PRECAUTION, "PREGNANT");
        patient.apply(newer);
        assertThat(patient.apply(intake(DAY_1, NeedlingClearance.CLEARED))).isTrue();

        assertThat(latestIntake().needlingClearance()).isEqualTo(NeedlingClearance.PRECAUTION);
        assertThat(latestIntake().reasons()).containsExactly("PREGNANT");
        assertThat(latestIntake().assessmentId()).isEqualTo(((IntakeCompleted) newer.payload()).assessmentId());
    }

    @Test
    void anIntakeBeforeTheRegistrationIsKeptWhenTheRegistrationArrives() {
        patient.apply(intake(DAY_2, NeedlingClearance.CLEARED));
        patient.apply(event(new PatientRegistered(DAY_1)));

        assertThat(patient.registeredAt).isEqualTo(DAY_1);
        assertThat(latestIntake().needlingClearance()).isEqualTo(NeedlingClearance.CLEARED);
        assertThat(patient.clinicId).isEqualTo("clinic-a");
    }

    @Test
    void anEventDeliveredTwiceIsAppliedOnce() {
        var alert = alertRaised(UUID.randomUUID(), AlertRule.SIGNIFICANT_ADVERSE_EVENT);

        assertThat(patient.apply(alert)).isTrue();
        assertThat(patient.apply(alert)).isFalse();

        assertThat(patient.openAdverseEvents).hasSize(1);
        assertThat(patient.appliedEventIds).containsExactly(alert.eventId().toString());
    }

    @Test
    void theSameIntakeDeliveredTwiceIsAppliedOnce() {
        var intake = intake(DAY_1, NeedlingClearance.CLEARED);

        assertThat(patient.apply(intake)).isTrue();
        assertThat(patient.apply(intake)).isFalse();
        assertThat(patient.appliedEventIds).containsExactly(intake.eventId().toString());
    }

    @Test
    void aSignificantAdverseEventAlertOpensAnAdverseEvent() {
        UUID alertId = UUID.randomUUID();
        var raised = alertRaised(alertId, AlertRule.SIGNIFICANT_ADVERSE_EVENT);
        patient.apply(raised);

        assertThat(patient.toSnapshot().openAdverseEvents())
                .containsExactly(new PatientSnapshot.OpenAdverseEvent(alertId, SESSION, raised.occurredAt()));
    }

    @Test
    void alertAcknowledgedClosesTheAdverseEvent() {
        UUID closed = UUID.randomUUID();
        UUID stillOpen = UUID.randomUUID();
        patient.apply(alertRaised(closed, AlertRule.SIGNIFICANT_ADVERSE_EVENT));
        patient.apply(alertRaised(stillOpen, AlertRule.SIGNIFICANT_ADVERSE_EVENT));

        patient.apply(event(new AlertAcknowledged(closed, "t-1")));

        assertThat(patient.toSnapshot().openAdverseEvents()).extracting(PatientSnapshot.OpenAdverseEvent::alertId)
                .containsExactly(stillOpen);
    }

    @Test
    void anAlertRaisedRedeliveredAfterItsAcknowledgementDoesNotReopenIt() {
        UUID alertId = UUID.randomUUID();
        var raised = alertRaised(alertId, AlertRule.SIGNIFICANT_ADVERSE_EVENT);
        patient.apply(raised);
        patient.apply(event(new AlertAcknowledged(alertId, "t-1")));

        patient.apply(raised);
        patient.apply(alertRaised(alertId, AlertRule.SIGNIFICANT_ADVERSE_EVENT)); // same alert, republished under a new event id

        assertThat(patient.openAdverseEvents).isEmpty();
    }

    @Test
    void anAcknowledgementArrivingBeforeItsAlertKeepsTheAdverseEventClosed() {
        UUID alertId = UUID.randomUUID();
        patient.apply(event(new AlertAcknowledged(alertId, "t-1")));
        patient.apply(alertRaised(alertId, AlertRule.SIGNIFICANT_ADVERSE_EVENT));

        assertThat(patient.openAdverseEvents).isEmpty();
    }

    @Test
    void alertsOfOtherRulesAndFollowUpEventsAreIgnored() {
        var highSoreness = alertRaised(UUID.randomUUID(), AlertRule.HIGH_SORENESS);
        var followUp = event(new EventPayload.FollowUpOpened(UUID.randomUUID(), SESSION, Checkpoint.H24, DAY_2, DAY_3));

        assertThat(patient.apply(highSoreness)).isFalse();
        assertThat(patient.apply(followUp)).isFalse();
        assertThat(PatientDocument.isRelevant(highSoreness.payload())).isFalse();
        assertThat(PatientDocument.isRelevant(followUp.payload())).isFalse();
        assertThat(patient.openAdverseEvents).isEmpty();
        assertThat(patient.appliedEventIds).isEmpty();
    }

    @Test
    void aDischargeSetsDischargedAndALaterIntakeClearsIt() {
        patient.apply(intake(DAY_1, NeedlingClearance.CLEARED));
        patient.apply(assessment(DAY_2, AssessmentKind.DISCHARGE));
        assertThat(patient.toSnapshot().discharged()).isTrue();

        patient.apply(intake(DAY_3, NeedlingClearance.CLEARED));
        assertThat(patient.toSnapshot().discharged()).isFalse();
    }

    @Test
    void anEarlierIntakeArrivingAfterTheDischargeDoesNotClearIt() {
        patient.apply(assessment(DAY_2, AssessmentKind.DISCHARGE));
        patient.apply(intake(DAY_1, NeedlingClearance.CLEARED));

        assertThat(patient.toSnapshot().discharged()).isTrue();
    }

    @Test
    void aProgressAssessmentChangesNothing() {
        patient.apply(intake(DAY_1, NeedlingClearance.CLEARED));
        assertThat(patient.apply(assessment(DAY_2, AssessmentKind.PROGRESS))).isFalse();
        assertThat(patient.toSnapshot().discharged()).isFalse();
    }

    @Test
    void anIntakeWithoutClearanceCannotBeApplied() {
        var broken = event(new IntakeCompleted(UUID.randomUUID(), DAY_1, "t-1", List.of(), 5, null, List.of(), List.of()));

        assertThatThrownBy(() -> patient.apply(broken)).isInstanceOf(UndecodableEventException.class)
                .hasMessageContaining("needlingClearance");
        assertThat(patient.appliedEventIds).isEmpty();
    }

    @Test
    void anEventOfAnotherPatientIsRefused() {
        var other = EventEnvelope.of(DAY_1, UUID.randomUUID(), "clinic-a", new PatientRegistered(DAY_1));
        assertThatThrownBy(() -> patient.apply(other)).isInstanceOf(IllegalArgumentException.class);
    }

    private PatientSnapshot.Intake latestIntake() {
        return patient.toSnapshot().latestIntake().orElseThrow();
    }

    private static EventEnvelope event(EventPayload payload) {
        return EventEnvelope.of(DAY_3, PATIENT, "clinic-a", payload);
    }

    private static EventEnvelope recordedAt(Instant occurredAt, EventEnvelope event) {
        return new EventEnvelope(event.eventId(), event.type(), event.schemaVersion(), occurredAt, event.patientId(), event.clinicId(),
                event.payload());
    }

    private static EventEnvelope intake(Instant assessedAt, NeedlingClearance clearance, String... reasons) {
        return event(new IntakeCompleted(UUID.randomUUID(), assessedAt, "t-1", List.of(), 6, clearance, List.of(reasons), List.of()));
    }

    private static EventEnvelope assessment(Instant assessedAt, AssessmentKind kind) {
        return event(new AssessmentRecorded(UUID.randomUUID(), assessedAt, "t-1", kind, 2, List.of()));
    }

    private static EventEnvelope alertRaised(UUID alertId, AlertRule rule) {
        return event(new AlertRaised(alertId, AlertLevel.HIGH, rule, SESSION, null, null));
    }
}
