package dev.knotless.session.patient;

import dev.knotless.events.Vocabulary.NeedlingClearance;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What session-service knows of a patient from the events it consumed: enough to run the safety
 * gate and to stamp its own events with the patient's clinic.
 *
 * @param latestIntake the intake with the latest {@code assessedAt}; empty until one arrived
 * @param discharged a discharge was recorded after the latest intake
 * @param openAdverseEvents significant adverse events whose alert is not acknowledged yet
 */
public record PatientSnapshot(
        UUID patientId,
        String clinicId,
        Optional<Intake> latestIntake,
        boolean discharged,
        List<OpenAdverseEvent> openAdverseEvents) {

    public PatientSnapshot {
        latestIntake = latestIntake == null ? Optional.empty() : latestIntake;
        openAdverseEvents = List.copyOf(openAdverseEvents);
    }

    public record Intake(UUID assessmentId, Instant assessedAt, NeedlingClearance needlingClearance, List<String> reasons) {
        public Intake {
            reasons = List.copyOf(reasons);
        }
    }

    public record OpenAdverseEvent(UUID alertId, UUID sessionId, Instant raisedAt) {
    }
}
