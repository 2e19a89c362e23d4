package dev.knotless.session.patient;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload;
import dev.knotless.events.EventPayload.AlertAcknowledged;
import dev.knotless.events.EventPayload.AlertRaised;
import dev.knotless.events.EventPayload.AssessmentRecorded;
import dev.knotless.events.EventPayload.IntakeCompleted;
import dev.knotless.events.EventPayload.PatientRegistered;
import dev.knotless.events.Vocabulary.AlertRule;
import dev.knotless.events.Vocabulary.AssessmentKind;
import dev.knotless.events.Vocabulary.NeedlingClearance;
import dev.knotless.platform.messaging.UndecodableEventException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * The local read model of one patient, fed by intake and outcome events. Applying an event is
 * idempotent (its id is kept in {@code appliedEventIds}, saved in the same write as its effect)
 * and order-tolerant: the latest intake is chosen by {@code assessedAt}, not by arrival, and a
 * discharge counts only if it is later than that intake.
 */
@Document("patients")
class PatientDocument {

    @Id
    String patientId;
    String clinicId;
    Instant registeredAt;
    IntakeEntry latestIntake;
    Instant dischargedAt;
    boolean discharged;
    List<AdverseEventEntry> openAdverseEvents = new ArrayList<>();
    /** Acknowledged alerts, so that a late or redelivered AlertRaised does not reopen one. */
    Set<String> acknowledgedAlertIds = new LinkedHashSet<>();
    Set<String> appliedEventIds = new LinkedHashSet<>();
    /** Intake and outcome events arrive on two listener threads: concurrent writes retry instead of losing one. */
    @Version
    Long version;

    /** {@code recordedAt} (the event's occurredAt) breaks ties: a corrected intake with the same assessedAt wins. */
    record IntakeEntry(String assessmentId, Instant assessedAt, NeedlingClearance needlingClearance, List<String> reasons,
                       Instant recordedAt) {
    }

    record AdverseEventEntry(String alertId, String sessionId, Instant raisedAt) {
    }

    PatientDocument() {
    }

    PatientDocument(UUID patientId) {
        this.patientId = patientId.toString();
    }

    /** Whether this service keeps anything of an event of this kind; the others are not even stored. */
    static boolean isRelevant(EventPayload payload) {
        return switch (payload) {
            case PatientRegistered p -> true;
            case IntakeCompleted p -> true;
            case AssessmentRecorded p -> p.kind() == AssessmentKind.DISCHARGE;
            case AlertRaised p -> p.rule() == AlertRule.SIGNIFICANT_ADVERSE_EVENT;
            case AlertAcknowledged p -> true;
            case EventPayload.SessionRecorded p -> false;
            case EventPayload.FollowUpOpened p -> false;
            case EventPayload.FollowUpCompleted p -> false;
            case EventPayload.FollowUpMissed p -> false;
        };
    }

    /**
     * Applies an event of this patient; false (and no change) when it was applied before or is
     * not relevant here.
     */
    boolean apply(EventEnvelope event) {
        if (!event.patientId().toString().equals(patientId)) {
            throw new IllegalArgumentException("event " + event.eventId() + " is not about patient " + patientId);
        }
        String eventId = event.eventId().toString();
        if (appliedEventIds.contains(eventId) || !isRelevant(event.payload())) {
            return false;
        }
        clinicId = event.clinicId();
        switch (event.payload()) {
            case PatientRegistered registered -> registeredAt = registered.registeredAt();
            case IntakeCompleted intake -> applyIntake(intake, event.occurredAt());
            case AssessmentRecorded assessment -> applyDischarge(assessment);
            case AlertRaised alert -> openAdverseEvent(alert, event.occurredAt());
            case AlertAcknowledged acknowledged -> closeAdverseEvent(acknowledged);
            default -> throw new IllegalStateException("not relevant: " + event.type());
        }
        appliedEventIds.add(eventId);
        return true;
    }

    private void applyIntake(IntakeCompleted intake, Instant recordedAt) {
        require(intake.assessmentId(), "assessmentId");
        require(intake.assessedAt(), "assessedAt");
        require(intake.needlingClearance(), "needlingClearance");
        if (latestIntake == null || isLater(intake.assessedAt(), recordedAt, latestIntake)) {
            latestIntake = new IntakeEntry(intake.assessmentId().toString(), intake.assessedAt(), intake.needlingClearance(),
                    intake.reasons() == null ? List.of() : List.copyOf(intake.reasons()), recordedAt);
        }
        discharged = isDischargedAfterLatestIntake();
    }

    private static boolean isLater(Instant assessedAt, Instant recordedAt, IntakeEntry latest) {
        int byAssessment = assessedAt.compareTo(latest.assessedAt());
        Instant latestRecordedAt = latest.recordedAt() == null ? Instant.EPOCH : latest.recordedAt();
        return byAssessment > 0 || (byAssessment == 0 && !recordedAt.isBefore(latestRecordedAt));
    }

    private void applyDischarge(AssessmentRecorded assessment) {
        require(assessment.assessedAt(), "assessedAt");
        if (dischargedAt == null || assessment.assessedAt().isAfter(dischargedAt)) {
            dischargedAt = assessment.assessedAt();
        }
        discharged = isDischargedAfterLatestIntake();
    }

    private boolean isDischargedAfterLatestIntake() {
        return dischargedAt != null && (latestIntake == null || dischargedAt.isAfter(latestIntake.assessedAt()));
    }

    private void openAdverseEvent(AlertRaised alert, Instant raisedAt) {
        require(alert.alertId(), "alertId");
        String alertId = alert.alertId().toString();
        boolean known = openAdverseEvents.stream().anyMatch(open -> open.alertId().equals(alertId));
        if (!known && !acknowledgedAlertIds.contains(alertId)) {
            openAdverseEvents.add(new AdverseEventEntry(alertId,
                    alert.sessionId() == null ? null : alert.sessionId().toString(), raisedAt));
        }
    }

    private void closeAdverseEvent(AlertAcknowledged acknowledged) {
        require(acknowledged.alertId(), "alertId");
        String alertId = acknowledged.alertId().toString();
        acknowledgedAlertIds.add(alertId);
        openAdverseEvents.removeIf(open -> open.alertId().equals(alertId));
    }

    private static void require(Object value, String field) {
        if (value == null) {
            // No retry can fix a payload without it: straight to the dead-letter topic.
            throw new UndecodableEventException("event payload field missing: " + field);
        }
    }

    PatientSnapshot toSnapshot() {
        return new PatientSnapshot(
                UUID.fromString(patientId),
                clinicId,
                Optional.ofNullable(latestIntake).map(intake -> new PatientSnapshot.Intake(
                        UUID.fromString(intake.assessmentId()), intake.assessedAt(), intake.needlingClearance(), intake.reasons())),
                discharged,
                openAdverseEvents.stream()
                        .map(open -> new PatientSnapshot.OpenAdverseEvent(UUID.fromString(open.alertId()),
                                open.sessionId() == null ? null : UUID.fromString(open.sessionId()), open.raisedAt()))
                        .toList());
    }
}
