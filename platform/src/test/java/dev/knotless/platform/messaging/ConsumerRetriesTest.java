package dev.knotless.platform.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.platform.MovableTestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/** A partition that keeps failing for a transient reason shows in the metric at once and in readiness after a minute. */
class ConsumerRetriesTest {

    private final MovableTestClock clock = new MovableTestClock(Instant.parse("2026-12-02T08:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ConsumerRetries retries = new ConsumerRetries(clock, Duration.ofMinutes(1), meters);

    @Test
    void aRetryLongerThanAMinuteTakesTheServiceOutOfReadinessUntilARecordOfThePartitionIsApplied() {
        ConsumerRecord<Object, Object> record = new ConsumerRecord<>("knotless.session.v1", 2, 41L, "patient", "event");
        assertThat(retries.health().getStatus()).isEqualTo(Status.UP);

        retries.failedDelivery(record, new IllegalStateException("store down"), 1);
        clock.advance(Duration.ofSeconds(30));
        retries.failedDelivery(record, new IllegalStateException("store down"), 2);
        assertThat(retrying()).as("seconds the oldest retry has lasted").isEqualTo(30.0);
        assertThat(retries.health().getStatus()).as("30 s: not yet stuck").isEqualTo(Status.UP);

        clock.advance(Duration.ofSeconds(31));
        assertThat(retries.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(retries.health().getDetails()).containsEntry("partition", "knotless.session.v1-2")
                .containsEntry("retryingSince", "2026-12-02T08:00:00Z");

        retries.success(record, null);
        assertThat(retries.health().getStatus()).isEqualTo(Status.UP);
        assertThat(retrying()).isZero();
    }

    @Test
    void aDeadLetteredRecordOrARevokedPartitionEndsItsRetry() {
        ConsumerRecord<Object, Object> first = new ConsumerRecord<>("knotless.outcome.v1", 0, 7L, "patient", "event");
        ConsumerRecord<Object, Object> second = new ConsumerRecord<>("knotless.outcome.v1", 1, 9L, "patient", "event");
        retries.failedDelivery(first, new IllegalStateException("x"), 1);
        retries.failedDelivery(second, new IllegalStateException("x"), 1);
        clock.advance(Duration.ofMinutes(2));
        assertThat(retries.health().getStatus()).isEqualTo(Status.DOWN);

        retries.recovered(first, new IllegalStateException("x"));
        retries.onPartitionsRevokedAfterCommit(null, List.of(new TopicPartition("knotless.outcome.v1", 1)));
        assertThat(retries.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void aBatchListenersAppliedPollEndsTheRetriesOfItsPartitionsOnly() {
        ConsumerRecord<Object, Object> failed = new ConsumerRecord<>("knotless.outcome.v1", 0, 7L, "patient", "event");
        ConsumerRecord<Object, Object> other = new ConsumerRecord<>("knotless.outcome.v1", 1, 9L, "patient", "event");
        retries.failedDelivery(failed, new IllegalStateException("x"), 1);
        retries.failedDelivery(other, new IllegalStateException("x"), 1);
        clock.advance(Duration.ofMinutes(2));

        retries.success(new ConsumerRecords<>(Map.of(new TopicPartition("knotless.outcome.v1", 0), List.of(failed)), Map.of()), null);

        assertThat(retries.health().getDetails()).containsEntry("partition", "knotless.outcome.v1-1").containsEntry("retrying", 1);
    }

    private double retrying() {
        return meters.get("knotless.messaging.consumer.retrying").gauge().value();
    }
}
