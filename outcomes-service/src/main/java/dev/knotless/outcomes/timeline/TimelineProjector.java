package dev.knotless.outcomes.timeline;

import dev.knotless.events.EventEnvelope;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
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
 * sink's updates are idempotent until it is told the change left the queue.
 */
@Component
public class TimelineProjector {

    private static final Logger log = LoggerFactory.getLogger(TimelineProjector.class);
    private static final int ATTEMPTS = 5;

    private final TimelineStore timelines;
    private final MongoTemplate mongo;
    private final ClinicFiguresSink figures;
    private final PainMcid mcid;

    TimelineProjector(TimelineStore timelines, MongoTemplate mongo, ClinicFiguresSink figures, PainMcid mcid) {
        this.timelines = timelines;
        this.mongo = mongo;
        this.figures = figures;
        this.mcid = mcid;
    }

    public void apply(EventEnvelope event) {
        apply(List.of(event));
    }

    /**
     * Applies events of one patient, in this order, with one read and one save: what a poll brings
     * for the patient (the consumer is a batch listener) rewrites the timeline once, not once per
     * event. The figure changes are queued once, for the timeline as it ends up: a patient whose
     * active day moved twice in the batch moves once on the dashboard.
     */
    public void apply(List<EventEnvelope> events) {
        EventEnvelope first = events.getFirst();
        String ids = events.size() == 1 ? "event " + first.eventId() : events.size() + " events from " + first.eventId();
        update(first.patientId(), null, () -> Timeline.start(first.patientId(), first.clinicId()), timeline -> {
            boolean changed = false;
            for (EventEnvelope event : events) {
                if (!event.patientId().equals(first.patientId())) {
                    throw new IllegalArgumentException("Event " + event.eventId() + " is not of patient " + first.patientId());
                }
                changed |= timeline.apply(event);
            }
            if (!changed) {
                log.debug("{} already on the timeline of patient {}", ids, first.patientId());
                return false;
            }
            timeline.queueFigureChanges(mcid);
            return true;
        }, "applying " + ids);
    }

    /**
     * Brings the clinic figures in line with a timeline as stored: queues what the dashboard should
     * count for its patient but was never told (a timeline from before the figures existed has no
     * {@code activeDay} or {@code mcidReached} yet) and hands the queue over, as {@link #apply} does.
     * Idempotent: once queued, the difference is gone, and the hand-over's updates are conditional.
     */
    public void catchUpFigures(Timeline timeline) {
        update(timeline.patientId(), timeline, null, stored -> stored.queueFigureChanges(mcid), "catching up its figures");
    }

    /**
     * Changes a patient's timeline under its version and hands its queued figure changes over: read
     * (or {@code first} on the first try; {@code absent} makes one when there is none, or nothing is
     * done), {@code change} (false: nothing to save, hand over what is queued), save, retried when a
     * concurrent write got there first.
     */
    private void update(UUID patientId, Timeline first, Supplier<Timeline> absent, Predicate<Timeline> change, String doing) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Timeline timeline = attempt == 1 && first != null ? first
                    : timelines.find(patientId.toString()).orElseGet(() -> absent == null ? null : absent.get());
            if (timeline == null) {
                return;
            }
            if (!change.test(timeline)) {
                handOver(timeline);
                return;
            }
            try {
                handOver(timelines.save(timeline));
                return;
            } catch (OptimisticLockingFailureException | DuplicateKeyException changedMeanwhile) {
                log.debug("Timeline of patient {} changed meanwhile while {}; trying again", patientId, doing);
            }
        }
        // A version clash, so the consumer retries the event later (FailureClassifier); any other exception would dead-letter a good event.
        throw new OptimisticLockingFailureException("The timeline of patient " + patientId + " kept changing while " + doing);
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
        figures.handedOver(timeline.clinicId(), timeline.patientId(), changes);
    }
}
