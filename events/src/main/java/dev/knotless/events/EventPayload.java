package dev.knotless.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.knotless.events.Vocabulary.AdverseEventSeverity;
import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.AlertRule;
import dev.knotless.events.Vocabulary.AssessmentKind;
import dev.knotless.events.Vocabulary.BodyRegion;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.NeedlingClearance;
import dev.knotless.events.Vocabulary.Side;
import dev.knotless.events.Vocabulary.Technique;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The payloads of the contract. Free text written by patients (survey comments, adverse event
 * descriptions) and session notes stay in the service that owns them and never travel on Kafka;
 * neither do names or contact details.
 */
public sealed interface EventPayload {

    /** A patient was registered; identity stays in intake-service. */
    record PatientRegistered(Instant registeredAt) implements EventPayload {
    }

    /** An intake assessment with its needling clearance. A later intake replaces the earlier clearance. */
    record IntakeCompleted(
            UUID assessmentId,
            Instant assessedAt,
            String therapistId,
            List<Complaint> complaints,
            int painNprs,
            NeedlingClearance needlingClearance,
            List<String> reasons,
            List<RomReading> rom) implements EventPayload {
    }

    /** A re-assessment: progress or discharge. */
    record AssessmentRecorded(
            UUID assessmentId,
            Instant assessedAt,
            String therapistId,
            AssessmentKind kind,
            int painNprs,
            List<RomReading> rom) implements EventPayload {
    }

    /** A dry needling session that passed the safety gate. */
    record SessionRecorded(
            UUID sessionId,
            String therapistId,
            Instant startedAt,
            Instant endedAt,
            List<NeedlingSite> needling,
            List<String> adjuncts,
            int painBefore,
            int painAfter,
            List<RomReading> rom,
            boolean precautionAcknowledged,
            boolean adverseEventReviewed) implements EventPayload {
    }

    record FollowUpOpened(UUID followUpId, UUID sessionId, Checkpoint checkpoint, Instant opensAt, Instant closesAt)
            implements EventPayload {
    }

    record FollowUpCompleted(
            UUID followUpId,
            UUID sessionId,
            Checkpoint checkpoint,
            Instant completedAt,
            int soreness,
            int pain,
            boolean bruising,
            boolean fatigue,
            boolean lightheaded,
            AdverseEventSeverity adverseEventSeverity) implements EventPayload {
    }

    record FollowUpMissed(UUID followUpId, UUID sessionId, Checkpoint checkpoint, Instant closedAt)
            implements EventPayload {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AlertRaised(
            UUID alertId,
            AlertLevel level,
            AlertRule rule,
            UUID sessionId,
            UUID followUpId,
            Checkpoint checkpoint) implements EventPayload {
    }

    record AlertAcknowledged(UUID alertId, String acknowledgedBy) implements EventPayload {
    }

    /** Where it hurts; the therapist's description of the complaint stays in intake-service. */
    record Complaint(BodyRegion bodyRegion, Side side) {
    }

    record NeedlingSite(String muscle, Side side, Technique technique, int needles, int dwellSeconds, boolean twitchResponse) {
    }

    /** A range of motion reading; {@code phase} is set for session readings only. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RomReading(Vocabulary.Joint joint, Vocabulary.Movement movement, Side side, int degrees, Vocabulary.RomPhase phase) {
    }
}
