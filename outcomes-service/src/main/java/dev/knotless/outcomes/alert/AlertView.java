package dev.knotless.outcomes.alert;

import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.AlertRule;
import dev.knotless.events.Vocabulary.AlertStatus;
import dev.knotless.events.Vocabulary.Checkpoint;
import java.time.Instant;
import java.util.UUID;

/** An alert as therapists see it; {@code followUpId} and {@code checkpoint} are null for FOLLOW_UPS_MISSED. */
record AlertView(
        UUID alertId,
        AlertLevel level,
        AlertRule rule,
        AlertStatus status,
        UUID patientId,
        String clinicId,
        UUID sessionId,
        UUID followUpId,
        Checkpoint checkpoint,
        Instant raisedAt,
        String adverseEventDescription,
        String acknowledgedBy,
        Instant acknowledgedAt) {

    static AlertView of(Alert alert) {
        return new AlertView(alert.id(), alert.level(), alert.rule(), alert.status(), alert.patientId(), alert.clinicId(),
                alert.sessionId(), alert.followUpId(), alert.checkpoint(), alert.raisedAt(), alert.adverseEventDescription(),
                alert.acknowledgedBy(), alert.acknowledgedAt());
    }
}
