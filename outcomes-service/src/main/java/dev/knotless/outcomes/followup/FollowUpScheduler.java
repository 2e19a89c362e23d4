package dev.knotless.outcomes.followup;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload.NeedlingSite;
import dev.knotless.events.EventPayload.SessionRecorded;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.Technique;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

/**
 * Creates the H24 and H48 follow-ups of a recorded session, each with the status of the present
 * (a back-dated session may have an open or missed follow-up at once). Ids are derived from the
 * session and checkpoint, and each follow-up is inserted: a duplicate key means a redelivered
 * SessionRecorded already created it. Their future openings and closings go into the
 * {@link FollowUpSchedule} first (idempotent upserts by key), so no follow-up can exist that the
 * sweep would not find; a back-dated session adds nothing there for transitions already past.
 */
@Component
public class FollowUpScheduler {

    private static final Logger log = LoggerFactory.getLogger(FollowUpScheduler.class);

    private final FollowUpRepository followUps;
    private final FollowUpSchedule schedule;
    private final FollowUpLifecycle lifecycle;
    private final FollowUpProperties properties;
    private final Clock clock;

    public FollowUpScheduler(FollowUpRepository followUps, FollowUpSchedule schedule, FollowUpLifecycle lifecycle,
                             FollowUpProperties properties, Clock clock) {
        this.followUps = followUps;
        this.schedule = schedule;
        this.lifecycle = lifecycle;
        this.properties = properties;
        this.clock = clock;
    }

    /** Creates the session's follow-ups; returns both as stored (read back only when a redelivery finds them already there). */
    public List<FollowUp> onSessionRecorded(EventEnvelope event, SessionRecorded session) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<Technique> techniques = session.needling() == null ? List.of()
                : session.needling().stream().map(NeedlingSite::technique).filter(t -> t != null).distinct().sorted().toList();
        var created = new ArrayList<FollowUp>();
        for (Checkpoint checkpoint : Checkpoint.values()) {
            var window = FollowUpWindow.of(checkpoint, session.endedAt(), properties.schedule());
            created.add(FollowUp.schedule(session.sessionId(), event.patientId(), event.clinicId(), checkpoint,
                    session.endedAt(), techniques, window));
        }
        schedule.add(created, now);
        var stored = new ArrayList<FollowUp>();
        // H24 first (Checkpoint order): the H48 follow-up looks its sibling up when it is created already missed.
        for (FollowUp followUp : created) {
            var checkpoint = followUp.checkpoint();
            lifecycle.advance(followUp, now);
            try {
                stored.add(followUps.insert(followUp));
                log.info("Follow-up {} {} of session {} created as {} (eventId {})", followUp.id(), checkpoint, session.sessionId(),
                        followUp.status(), event.eventId());
            } catch (DuplicateKeyException alreadyCreated) {
                log.debug("Follow-up {} of session {} already exists (eventId {})", checkpoint, session.sessionId(), event.eventId());
                followUps.findById(followUp.id().toString()).ifPresent(stored::add);
            }
        }
        return stored;
    }
}
