package dev.knotless.outcomes.followup;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code knotless.outcomes.follow-up.*}: the follow-up schedule after a session and how often the
 * sweep looks for windows that opened or closed. {@code sweep-overlap}: how far behind the present
 * the sweep's progress stays, so a bucket is read again while a session being handled may still be
 * inserting the follow-ups it lists (see {@link FollowUpSweep}); longer than any such handling.
 */
@ConfigurationProperties("knotless.outcomes.follow-up")
public record FollowUpProperties(
        @DefaultValue("24h") Duration h24OpensAfter,
        @DefaultValue("48h") Duration h48OpensAfter,
        @DefaultValue("72h") Duration h48ClosesAfter,
        @DefaultValue("30s") Duration sweepInterval,
        @DefaultValue("1m") Duration sweepOverlap) {

    public FollowUpProperties {
        new FollowUpWindow.Schedule(h24OpensAfter, h48OpensAfter, h48ClosesAfter); // fail at startup on a bad schedule
        if (sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalArgumentException("knotless.outcomes.follow-up.sweep-interval must be positive");
        }
        // The sweep's lock is held at least one interval and at most 5 minutes (FollowUpSweepJob): ShedLock refuses the reverse on every pass.
        if (sweepInterval.compareTo(FollowUpSweepJob.LOCK_AT_MOST_FOR) > 0) {
            throw new IllegalArgumentException("knotless.outcomes.follow-up.sweep-interval must be at most "
                    + FollowUpSweepJob.LOCK_AT_MOST_FOR.toMinutes() + " minutes");
        }
        if (sweepOverlap.isNegative()) {
            throw new IllegalArgumentException("knotless.outcomes.follow-up.sweep-overlap must not be negative");
        }
    }

    public FollowUpWindow.Schedule schedule() {
        return new FollowUpWindow.Schedule(h24OpensAfter, h48OpensAfter, h48ClosesAfter);
    }
}
