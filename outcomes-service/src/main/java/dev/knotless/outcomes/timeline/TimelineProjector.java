package dev.knotless.outcomes.timeline;

import dev.knotless.events.EventEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Component;

/**
 * Applies an event to its patient's timeline: one read and one save, the event id stored in the
 * same save. Two events of one patient may be handled at once (they come from different topics);
 * the version check makes the later save retry on the fresh document instead of losing an update.
 */
@Component
public class TimelineProjector {

    private static final Logger log = LoggerFactory.getLogger(TimelineProjector.class);
    private static final int ATTEMPTS = 5;

    private final TimelineRepository timelines;

    TimelineProjector(TimelineRepository timelines) {
        this.timelines = timelines;
    }

    public void apply(EventEnvelope event) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            var timeline = timelines.findById(event.patientId().toString())
                    .orElseGet(() -> Timeline.start(event.patientId(), event.clinicId()));
            if (!timeline.apply(event)) {
                log.debug("Event {} already on the timeline of patient {}", event.eventId(), event.patientId());
                return;
            }
            try {
                timelines.save(timeline);
                return;
            } catch (OptimisticLockingFailureException | DuplicateKeyException changedMeanwhile) {
                log.debug("Timeline of patient {} changed meanwhile, applying event {} again", event.patientId(), event.eventId());
            }
        }
        throw new IllegalStateException("The timeline of patient " + event.patientId() + " kept changing while applying event "
                + event.eventId() + "; the consumer retries");
    }
}
