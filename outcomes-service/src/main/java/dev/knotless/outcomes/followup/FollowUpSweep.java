package dev.knotless.outcomes.followup;

import dev.knotless.events.Vocabulary.FollowUpStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Moves follow-ups whose window opened or closed since the last pass, oldest closing first (so an
 * H24 is recorded MISSED before its H48). Runs every {@code knotless.outcomes.follow-up.sweep-interval};
 * tests call {@link #sweep()} after moving the clock.
 */
@Component
public class FollowUpSweep {

    private static final Logger log = LoggerFactory.getLogger(FollowUpSweep.class);
    private static final int PAGE = 200;

    private final MongoTemplate mongo;
    private final FollowUpRepository followUps;
    private final FollowUpLifecycle lifecycle;
    private final Clock clock;
    private final MeterRegistry meters;

    FollowUpSweep(MongoTemplate mongo, FollowUpRepository followUps, FollowUpLifecycle lifecycle, Clock clock, MeterRegistry meters) {
        this.mongo = mongo;
        this.followUps = followUps;
        this.lifecycle = lifecycle;
        this.clock = clock;
        this.meters = meters;
    }

    @Scheduled(initialDelayString = "${knotless.outcomes.follow-up.sweep-interval:30s}",
            fixedDelayString = "${knotless.outcomes.follow-up.sweep-interval:30s}")
    void scheduledSweep() {
        try {
            int moved = sweep();
            if (moved > 0) {
                log.info("Follow-up sweep moved {} follow-ups", moved);
            }
        } catch (RuntimeException e) {
            log.warn("Follow-up sweep failed, next pass retries: {}", e.getMessage());
        }
    }

    /** One pass; returns how many follow-ups changed status. */
    public synchronized int sweep() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Query due = new Query(new Criteria().orOperator(
                Criteria.where("status").is(FollowUpStatus.SCHEDULED).and("opensAt").lte(now),
                Criteria.where("status").is(FollowUpStatus.OPEN).and("closesAt").lte(now)))
                .with(Sort.by("closesAt", "checkpoint")).limit(PAGE);
        int moved = 0;
        while (true) {
            List<FollowUp> page = mongo.find(due, FollowUp.class);
            int movedInPage = 0;
            for (FollowUp followUp : page) {
                if (lifecycle.advance(followUp, now)) {
                    try {
                        followUps.save(followUp);
                        movedInPage++;
                        Counter.builder("knotless.outcomes.follow-ups.swept").description("follow-ups moved by the sweep, by new status")
                                .tag("status", followUp.status().name()).register(meters).increment();
                        log.info("Follow-up {} of session {} is now {}", followUp.id(), followUp.sessionId(), followUp.status());
                    } catch (OptimisticLockingFailureException changedMeanwhile) {
                        log.debug("Follow-up {} changed during the sweep; the next pass looks again", followUp.id());
                    }
                }
            }
            moved += movedInPage;
            if (page.size() < PAGE || movedInPage == 0) {
                return moved;
            }
        }
    }
}
