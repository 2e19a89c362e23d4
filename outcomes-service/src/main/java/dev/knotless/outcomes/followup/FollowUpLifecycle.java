package dev.knotless.outcomes.followup;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import dev.knotless.outcomes.alert.AlertRules;
import dev.knotless.platform.messaging.EventCodec;
import dev.knotless.platform.outbox.OutboxMessage;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * Moves a follow-up to the status of the present and stages the events of each transition in its
 * own outbox, so the status and its events are saved in one write: entering OPEN stages
 * FollowUpOpened, entering MISSED stages FollowUpMissed, and the H48 follow-up entering MISSED
 * while H24 was missed too stages the FOLLOW_UPS_MISSED alert. H48 always closes after H24 (the
 * schedule enforces it), so the H48 transition is the one that completes the pair and the alert
 * is staged exactly once.
 */
@Component
public class FollowUpLifecycle {

    private final FollowUpRepository followUps;
    private final AlertRules alertRules;
    private final EventCodec codec;

    public FollowUpLifecycle(FollowUpRepository followUps, AlertRules alertRules, EventCodec codec) {
        this.followUps = followUps;
        this.alertRules = alertRules;
        this.codec = codec;
    }

    /** Brings the follow-up to the status that matches {@code now}; true when something changed (save it). */
    public boolean advance(FollowUp followUp, Instant now) {
        FollowUpStatus current = followUp.status();
        FollowUpStatus target = followUp.statusAt(now);
        if (current == target) {
            return false;
        }
        switch (target) {
            case SCHEDULED -> followUp.moveTo(FollowUpStatus.SCHEDULED, null);
            case OPEN -> {
                followUp.moveTo(FollowUpStatus.OPEN, null);
                stage(followUp, now, new EventPayload.FollowUpOpened(followUp.id(), followUp.sessionId(), followUp.checkpoint(),
                        followUp.opensAt(), followUp.closesAt()));
            }
            case MISSED -> {
                followUp.moveTo(FollowUpStatus.MISSED, followUp.closesAt());
                stage(followUp, now, new EventPayload.FollowUpMissed(followUp.id(), followUp.sessionId(), followUp.checkpoint(),
                        followUp.closesAt()));
                if (followUp.checkpoint() == Checkpoint.H48) {
                    followUps.findById(FollowUp.idOf(followUp.sessionId(), Checkpoint.H24).toString())
                            .flatMap(h24 -> alertRules.onFollowUpStatuses(followUp.sessionId(), h24.statusAt(now), FollowUpStatus.MISSED))
                            .ifPresent(decision -> raise(followUp, decision, now, false));
                }
            }
            case COMPLETED -> throw new IllegalStateException("completion is recorded by a survey, not by time");
        }
        return true;
    }

    /** Stages an AlertRaised; {@code aboutFollowUp} false for an alert about the whole session. */
    public void raise(FollowUp followUp, AlertRules.Decision decision, Instant now, boolean aboutFollowUp) {
        stage(followUp, now, new EventPayload.AlertRaised(decision.alertId(), decision.level(), decision.rule(), followUp.sessionId(),
                aboutFollowUp ? followUp.id() : null, aboutFollowUp ? followUp.checkpoint() : null));
    }

    public void stage(FollowUp followUp, Instant now, EventPayload payload) {
        followUp.stage(OutboxMessage.of(EventEnvelope.of(now, followUp.patientId(), followUp.clinicId(), payload), codec));
    }
}
