package dev.knotless.platform.messaging;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code knotless.messaging.*}: topics, the outbox relay and consumer retries.
 *
 * @param partitions partitions of each knotless topic (and its dead-letter topic)
 * @param replicationFactor 1 for the embedded broker and compose; 3 in a real cluster
 * @param minInsyncReplicas replicas that must have a record before {@code acks=all} acknowledges it:
 *     1 with a single broker; 2 with a replication factor of 3, so that an acknowledged event
 *     survives the loss of a broker
 * @param deadLetterRetention how long a dead-letter topic keeps its messages (an operator's time to
 *     look and replay), instead of the broker's default of 7 days
 * @param outbox the relay that moves staged events from MongoDB to Kafka
 * @param consumer how a failing message is retried (see {@link FailureClassifier})
 */
@ConfigurationProperties("knotless.messaging")
public record MessagingProperties(
        @DefaultValue("3") int partitions,
        @DefaultValue("1") short replicationFactor,
        @DefaultValue("1") int minInsyncReplicas,
        @DefaultValue("30d") Duration deadLetterRetention,
        @DefaultValue Outbox outbox,
        @DefaultValue Consumer consumer) {

    /**
     * @param collections the MongoDB collections whose documents carry an {@code outbox} array
     * @param batchSize documents loaded (by {@code _id}) and sent together in one relay pass, and
     *     the cursor batch of the safety net's scan
     * @param safetyNetInterval how often the relay scans the collections for staged events that no
     *     save handed it (a lost wake-up, another instance's leftovers); it also scans once at start
     * @param initialBackoff the first pause after a failed pass; it doubles while Kafka keeps failing
     * @param maxBackoff the longest pause between passes while Kafka keeps failing
     * @param sendTimeout how long a pass waits for the broker to acknowledge all the events it sent
     * @param lease how long a relay holds the documents of its pass against other instances: longer
     *     than any pass (a first send may block on Kafka's metadata for the producer's
     *     {@code max.block.ms}, then the acknowledgements take up to {@code sendTimeout}), since a pass
     *     that outlives its leases may meet another instance sending the same events; and short,
     *     since it is how long the documents of an instance that died wait for another to take them
     */
    public record Outbox(
            @DefaultValue List<String> collections,
            @DefaultValue("100") int batchSize,
            @DefaultValue("60s") Duration safetyNetInterval,
            @DefaultValue("200ms") Duration initialBackoff,
            @DefaultValue("15s") Duration maxBackoff,
            @DefaultValue("10s") Duration sendTimeout,
            @DefaultValue("30s") Duration lease) {

        public Outbox {
            if (batchSize < 1) {
                throw new IllegalArgumentException("knotless.messaging.outbox.batch-size must be at least 1");
            }
            if (lease.compareTo(sendTimeout.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException("knotless.messaging.outbox.lease (" + lease
                        + ") must be at least twice knotless.messaging.outbox.send-timeout (" + sendTimeout
                        + "): a pass must end well before its leases do");
            }
        }
    }

    /**
     * A message that fails for a transient reason is retried until it works, holding its partition;
     * one that fails by its own fault is dead-lettered at once.
     *
     * @param backoff the first pause before a transient failure is retried; it doubles
     * @param maxBackoff the longest pause between two retries
     * @param stuckAfter how long a partition may be retried before readiness goes down
     */
    public record Consumer(
            @DefaultValue("500ms") Duration backoff,
            @DefaultValue("30s") Duration maxBackoff,
            @DefaultValue("1m") Duration stuckAfter) {
    }
}
