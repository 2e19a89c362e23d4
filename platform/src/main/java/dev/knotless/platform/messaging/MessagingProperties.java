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
 * @param outbox the relay that moves staged events from MongoDB to Kafka
 * @param consumer how often a failing message is retried before it is dead-lettered
 */
@ConfigurationProperties("knotless.messaging")
public record MessagingProperties(
        @DefaultValue("3") int partitions,
        @DefaultValue("1") short replicationFactor,
        @DefaultValue Outbox outbox,
        @DefaultValue Consumer consumer) {

    /**
     * @param collections the MongoDB collections whose documents carry an {@code outbox} array
     * @param pollInterval how often the relay looks for staged events when nobody woke it up
     * @param batchSize documents read per collection per pass
     * @param maxBackoff the longest pause between passes while Kafka keeps failing
     * @param sendTimeout how long one send may wait for the broker's acknowledgement
     */
    public record Outbox(
            @DefaultValue List<String> collections,
            @DefaultValue("1s") Duration pollInterval,
            @DefaultValue("100") int batchSize,
            @DefaultValue("15s") Duration maxBackoff,
            @DefaultValue("10s") Duration sendTimeout) {
    }

    /**
     * @param attempts deliveries of one message before it goes to the dead-letter topic
     * @param backoff pause between two attempts
     */
    public record Consumer(@DefaultValue("3") int attempts, @DefaultValue("500ms") Duration backoff) {
    }
}
