package dev.knotless.session.safety;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * The instant up to which the read model is known to be current, from offset checks. A check taken
 * at {@code T} (before its end offsets were read) with end offsets {@code E} is <em>reached</em> once
 * every partition's committed offset is at least its offset in {@code E} (a partition without a
 * committed offset counts as 0, so an empty partition is reached at once): then every record written
 * before {@code T} has been applied, and the read model is current as of {@code T}. The latest
 * reached check wins. A failed check is simply not observed, so nothing advances while the broker
 * is out of reach. No Spring, no I/O; thread-safe.
 */
final class ReadModelWatermark {

    /**
     * Checks not yet reached that are remembered (at 2 s a check, a few minutes of them). Forgetting
     * the oldest is safe: it can only make the answer older than it could be, never newer.
     */
    static final int MAX_PENDING_CHECKS = 128;

    private record Check(Instant at, Map<TopicPartition, Long> endOffsets) {

        boolean reachedBy(Map<TopicPartition, Long> committed) {
            return endOffsets.entrySet().stream()
                    .allMatch(end -> committed.getOrDefault(end.getKey(), 0L) >= end.getValue());
        }
    }

    /** Oldest first. */
    private final Deque<Check> pending = new ArrayDeque<>();
    private Instant currentAsOf;

    /**
     * One successful check: the topics' end offsets read after {@code checkedAt}, and the consumer
     * group's committed offsets (missing partitions never committed).
     */
    synchronized void observe(Instant checkedAt, Map<TopicPartition, Long> endOffsets, Map<TopicPartition, Long> committed) {
        pending.addLast(new Check(checkedAt, Map.copyOf(endOffsets)));
        if (pending.size() > MAX_PENDING_CHECKS) {
            pending.removeFirst();
        }
        // Not only the newest: committed offsets may reach an older check's end offsets but not the newest's.
        Instant reached = null;
        for (Check check : pending) {
            if (check.reachedBy(committed) && (reached == null || check.at().isAfter(reached))) {
                reached = check.at();
            }
        }
        if (reached != null) {
            Instant latest = reached;
            pending.removeIf(check -> !check.at().isAfter(latest));
            if (currentAsOf == null || latest.isAfter(currentAsOf)) {
                currentAsOf = latest;
            }
        }
    }

    /** Empty until a check was reached. */
    synchronized Optional<Instant> currentAsOf() {
        return Optional.ofNullable(currentAsOf);
    }

    /** How old the read model may be at {@code now}, and whether that is within {@code maxStaleness}. */
    SafetyDataFreshness freshnessAt(Instant now, Duration maxStaleness) {
        Optional<Instant> asOf = currentAsOf();
        if (asOf.isEmpty()) {
            return new SafetyDataFreshness.NeverConfirmed(maxStaleness);
        }
        Duration age = Duration.between(asOf.get(), now);
        if (age.isNegative()) {
            age = Duration.ZERO;
        }
        return age.compareTo(maxStaleness) > 0 ? new SafetyDataFreshness.Stale(age, maxStaleness) : new SafetyDataFreshness.Current(age);
    }
}
