package dev.knotless.outcomes.followup;

import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a follow-up may be answered: from {@code opensAt} (inclusive) to {@code closesAt}
 * (exclusive). At exactly {@code opensAt} it is OPEN; at exactly {@code closesAt} it is closed,
 * so MISSED unless it was completed.
 */
public record FollowUpWindow(Instant opensAt, Instant closesAt) {

    public FollowUpWindow {
        Objects.requireNonNull(opensAt, "opensAt");
        Objects.requireNonNull(closesAt, "closesAt");
        if (!closesAt.isAfter(opensAt)) {
            throw new IllegalArgumentException("a follow-up window must close after it opens");
        }
    }

    /** The window of a checkpoint after a session that ended at {@code sessionEndedAt}. */
    public static FollowUpWindow of(Checkpoint checkpoint, Instant sessionEndedAt, Schedule schedule) {
        return switch (checkpoint) {
            case H24 -> new FollowUpWindow(sessionEndedAt.plus(schedule.h24OpensAfter()), sessionEndedAt.plus(schedule.h48OpensAfter()));
            case H48 -> new FollowUpWindow(sessionEndedAt.plus(schedule.h48OpensAfter()), sessionEndedAt.plus(schedule.h48ClosesAfter()));
        };
    }

    /** The status at {@code now}; a completed follow-up stays COMPLETED whatever the time. */
    public FollowUpStatus statusAt(Instant now, boolean completed) {
        if (completed) {
            return FollowUpStatus.COMPLETED;
        }
        if (now.isBefore(opensAt)) {
            return FollowUpStatus.SCHEDULED;
        }
        if (now.isBefore(closesAt)) {
            return FollowUpStatus.OPEN;
        }
        return FollowUpStatus.MISSED;
    }

    /**
     * How long after the session each window opens and closes: H24 from {@code h24OpensAfter} to
     * {@code h48OpensAfter}, H48 from {@code h48OpensAfter} to {@code h48ClosesAfter}. The H24
     * window closes when the H48 one opens, so the two never overlap and H48 always closes last.
     */
    public record Schedule(Duration h24OpensAfter, Duration h48OpensAfter, Duration h48ClosesAfter) {

        public static final Schedule DEFAULT = new Schedule(Duration.ofHours(24), Duration.ofHours(48), Duration.ofHours(72));

        public Schedule {
            Objects.requireNonNull(h24OpensAfter, "h24OpensAfter");
            Objects.requireNonNull(h48OpensAfter, "h48OpensAfter");
            Objects.requireNonNull(h48ClosesAfter, "h48ClosesAfter");
            if (h24OpensAfter.isNegative() || h48OpensAfter.compareTo(h24OpensAfter) <= 0
                    || h48ClosesAfter.compareTo(h48OpensAfter) <= 0) {
                throw new IllegalArgumentException(
                        "follow-up schedule must satisfy 0 <= h24-opens-after < h48-opens-after < h48-closes-after");
            }
        }
    }
}
