package dev.knotless.outcomes.followup;

import java.time.Duration;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs the {@link FollowUpSweep} every {@code knotless.outcomes.follow-up.sweep-interval}, on one
 * instance of the service at a time (platform's ShedLock, the lock {@value #JOB} in the service's
 * database). A bean of its own, so that the lock's proxy wraps this one and the sweep itself stays
 * a plain object whose monitor tests can hold.
 */
@Component
class FollowUpSweepJob {

    private static final Logger log = LoggerFactory.getLogger(FollowUpSweepJob.class);

    /** The name of its lock. */
    static final String JOB = "follow-up-sweep";
    /** The lock's {@code lockAtMostFor} below, which the sweep interval may not exceed ({@link FollowUpProperties}). */
    static final Duration LOCK_AT_MOST_FOR = Duration.ofMinutes(5);

    private final FollowUpSweep sweep;

    FollowUpSweepJob(FollowUpSweep sweep) {
        this.sweep = sweep;
    }

    /*
     * One instance sweeps per interval: two at once are safe (FollowUpSweep) but each would read the
     * same buckets and lose version checks to the other. lockAtLeastFor is the interval: an instance
     * whose turn comes within an interval of another's pass skips it, while the holder's own next
     * turn comes an interval after its pass ended and finds the lock over (unless its wall clock runs
     * slow by more than a pass lasts: then it skips one turn). lockAtMostFor is how long an instance
     * that died mid-pass holds the sweep up: 5 minutes delays MISSED by no more than that, and is
     * longer than a pass catching up after a long downtime usually takes (a longer one may meet
     * another instance's pass, which is safe).
     */
    @Scheduled(initialDelayString = "${knotless.outcomes.follow-up.sweep-interval:30s}",
            fixedDelayString = "${knotless.outcomes.follow-up.sweep-interval:30s}")
    @SchedulerLock(name = JOB, lockAtMostFor = "5m", lockAtLeastFor = "${knotless.outcomes.follow-up.sweep-interval:30s}")
    public void run() {
        try {
            int moved = sweep.sweep();
            if (moved > 0) {
                log.info("Follow-up sweep moved {} follow-ups", moved);
            }
        } catch (RuntimeException e) {
            log.warn("Follow-up sweep failed, next pass retries: {}", e.getMessage());
        }
    }
}
