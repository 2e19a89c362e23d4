package dev.knotless.outcomes.timeline;

import dev.knotless.events.EventEnvelope;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * Applies an event to its patient's timeline: one read and one save, the event id stored in the
 * same save. Two events of one patient may be handled at once (they come from different topics);
 * the version check makes the later save retry on the fresh document instead of losing an update.
 *
 * <p>When the event changes what the clinic dashboard counts for the patient (active on a day,
 * pain MCID reached), the save also queues that change; it is then handed to the
 * {@link ClinicFiguresSink} and pulled from the queue. A crash in between leaves it queued: the
 * redelivered event (already applied, so nothing else changes) hands it over again, and the
 * sink's updates are idempotent.
 */
@Component
public class TimelineProjector {

    private static final Logger log = LoggerFactory.getLogger(TimelineProjector.class);
    private static final int ATTEMPTS = 5;

    private final TimelineRepository timelines;
    private final MongoTemplate mongo;
    private final ClinicFiguresSink figures;
    private final PainMcid mcid;

    TimelineProjector(TimelineRepository timelines, MongoTemplate mongo, ClinicFiguresSink figures, PainMcid mcid) {
        this.timelines = timelines;
        this.mongo = mongo;
        this.figures = figures;
        this.mcid = mcid;
    }

    public void apply(EventEnvelope event) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            var timeline = timelines.findById(event.patientId().toString())
                    .orElseGet(() -> Timeline.start(event.patientId(), event.clinicId()));
            if (!timeline.apply(event)) {
                log.debug("Event {} already on the timeline of patient {}", event.eventId(), event.patientId());
                handOver(timeline);
                return;
            }
            timeline.queueFigureChanges(mcid);
            try {
                handOver(timelines.save(timeline));
                return;
            } catch (OptimisticLockingFailureException | DuplicateKeyException changedMeanwhile) {
                log.debug("Timeline of patient {} changed meanwhile, applying event {} again", event.patientId(), event.eventId());
            }
        }
        throw new IllegalStateException("The timeline of patient " + event.patientId() + " kept changing while applying event "
                + event.eventId() + "; the consumer retries");
    }

    /**
     * Brings the clinic figures in line with a timeline as stored: queues what the dashboard should
     * count for its patient but was never told (a timeline from before the figures existed has no
     * {@code activeDay} or {@code mcidReached} yet) and hands the queue over, as {@link #apply} does.
     * Idempotent: once queued, the difference is gone, and the hand-over's updates are conditional.
     */
    public void catchUpFigures(Timeline timeline) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (attempt > 1) {
                var fresh = timelines.findById(timeline.patientId().toString());
                if (fresh.isEmpty()) {
                    return;
                }
                timeline = fresh.get();
            }
            if (!timeline.queueFigureChanges(mcid)) {
                handOver(timeline);
                return;
            }
            try {
                handOver(timelines.save(timeline));
                return;
            } catch (OptimisticLockingFailureException | DuplicateKeyException changedMeanwhile) {
                log.debug("Timeline of patient {} changed meanwhile, catching up its figures again", timeline.patientId());
            }
        }
        throw new IllegalStateException("The timeline of patient " + timeline.patientId() + " kept changing while catching up its figures");
    }

    private void handOver(Timeline timeline) {
        var changes = timeline.figureChanges();
        if (changes.isEmpty()) {
            return;
        }
        figures.apply(timeline.clinicId(), timeline.patientId(), changes);
        // Pulls exactly these: a change queued meanwhile stays; no version bump, so no concurrent save fails for it.
        var ids = changes.stream().map(FigureChange::changeId).toList();
        mongo.updateFirst(Query.query(Criteria.where("_id").is(timeline.patientId().toString())),
                new Update().pull("figureChanges", new Document("changeId", new Document("$in", ids))), Timeline.class);
    }
}
