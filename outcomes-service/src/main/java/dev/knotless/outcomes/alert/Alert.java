package dev.knotless.outcomes.alert;

import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.AlertRule;
import dev.knotless.events.Vocabulary.AlertStatus;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.platform.outbox.OutboxMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * An alert for a clinic's therapists (collection {@code alerts}): a projection of AlertRaised,
 * then an aggregate of its own whose acknowledgement stages AlertAcknowledged in its outbox. Keeps
 * the adverse event description (copied from the follow-up) for the therapist: it never travels.
 */
@Document(Alert.COLLECTION)
public class Alert {

    public static final String COLLECTION = "alerts";

    @Id
    private String id;
    @Version
    private Long version;
    private AlertLevel level;
    private AlertRule rule;
    private AlertStatus status;
    private String patientId;
    private String clinicId;
    private String sessionId;
    private String followUpId;
    private Checkpoint checkpoint;
    private Instant raisedAt;
    private String adverseEventDescription;
    private String acknowledgedBy;
    private Instant acknowledgedAt;
    private List<OutboxMessage> outbox = new ArrayList<>();

    Alert() {
    }

    static Alert raised(UUID alertId, AlertLevel level, AlertRule rule, UUID patientId, String clinicId, UUID sessionId,
                        UUID followUpId, Checkpoint checkpoint, Instant raisedAt, String adverseEventDescription) {
        var alert = new Alert();
        alert.id = alertId.toString();
        alert.level = level;
        alert.rule = rule;
        alert.status = AlertStatus.OPEN;
        alert.patientId = patientId.toString();
        alert.clinicId = clinicId;
        alert.sessionId = sessionId == null ? null : sessionId.toString();
        alert.followUpId = followUpId == null ? null : followUpId.toString();
        alert.checkpoint = checkpoint;
        alert.raisedAt = raisedAt;
        alert.adverseEventDescription = adverseEventDescription;
        return alert;
    }

    void acknowledge(String by, Instant now) {
        if (status == AlertStatus.ACKNOWLEDGED) {
            throw new IllegalStateException("already acknowledged");
        }
        status = AlertStatus.ACKNOWLEDGED;
        acknowledgedBy = by;
        acknowledgedAt = now;
    }

    void stage(OutboxMessage message) {
        outbox.add(message);
    }

    UUID id() {
        return UUID.fromString(id);
    }

    public AlertLevel level() {
        return level;
    }

    AlertRule rule() {
        return rule;
    }

    public AlertStatus status() {
        return status;
    }

    UUID patientId() {
        return UUID.fromString(patientId);
    }

    String clinicId() {
        return clinicId;
    }

    UUID sessionId() {
        return sessionId == null ? null : UUID.fromString(sessionId);
    }

    UUID followUpId() {
        return followUpId == null ? null : UUID.fromString(followUpId);
    }

    Checkpoint checkpoint() {
        return checkpoint;
    }

    Instant raisedAt() {
        return raisedAt;
    }

    String adverseEventDescription() {
        return adverseEventDescription;
    }

    String acknowledgedBy() {
        return acknowledgedBy;
    }

    Instant acknowledgedAt() {
        return acknowledgedAt;
    }
}
