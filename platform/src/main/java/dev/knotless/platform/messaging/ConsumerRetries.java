package dev.knotless.platform.messaging;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.listener.RetryListener;

/**
 * Which partitions a consumer has been retrying, and since when: a message that fails for a
 * transient reason holds its partition (nothing behind it is applied) until it succeeds. An
 * operator must see that: {@code knotless.messaging.consumer.retrying} gives the seconds the oldest
 * such retry has lasted, and readiness goes down once one lasts longer than
 * {@code knotless.messaging.consumer.stuck-after}.
 *
 * <p>A partition starts retrying on its first failed delivery and stops when a record of it is
 * applied, dead-lettered, or the partition is taken away.
 */
public class ConsumerRetries implements RetryListener, RecordInterceptor<Object, Object>, BatchInterceptor<Object, Object>,
        ConsumerAwareRebalanceListener,
        HealthIndicator {

    private final Map<TopicPartition, Instant> retryingSince = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration stuckAfter;

    public ConsumerRetries(Clock clock, Duration stuckAfter, MeterRegistry meters) {
        this.clock = clock;
        this.stuckAfter = stuckAfter;
        Gauge.builder("knotless.messaging.consumer.retrying", this, retries -> retries.longest().toMillis() / 1000.0)
                .description("How long the oldest message still failing for a transient reason has held its partition")
                .baseUnit("seconds")
                .register(meters);
    }

    @Override
    public void failedDelivery(ConsumerRecord<?, ?> record, Exception failure, int deliveryAttempt) {
        retryingSince.putIfAbsent(new TopicPartition(record.topic(), record.partition()), clock.instant());
    }

    @Override
    public void recovered(ConsumerRecord<?, ?> record, Exception failure) {
        retryingSince.remove(new TopicPartition(record.topic(), record.partition()));
    }

    @Override
    public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
        return record;
    }

    @Override
    public void success(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
        retryingSince.remove(new TopicPartition(record.topic(), record.partition()));
    }

    @Override
    public ConsumerRecords<Object, Object> intercept(ConsumerRecords<Object, Object> records, Consumer<Object, Object> consumer) {
        return records;
    }

    /** A batch listener's whole poll applied: its partitions retry nothing any more. */
    @Override
    public void success(ConsumerRecords<Object, Object> records, Consumer<Object, Object> consumer) {
        records.partitions().forEach(retryingSince::remove);
    }

    @Override
    public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        partitions.forEach(retryingSince::remove);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        partitions.forEach(retryingSince::remove);
    }

    /** How long the oldest retry has lasted; zero when nothing is retried. */
    public Duration longest() {
        Instant now = clock.instant();
        return retryingSince.values().stream().min(Instant::compareTo)
                .map(since -> Duration.between(since, now))
                .filter(duration -> !duration.isNegative())
                .orElse(Duration.ZERO);
    }

    @Override
    public Health health() {
        Instant now = clock.instant();
        Optional<Map.Entry<TopicPartition, Instant>> stuck = retryingSince.entrySet().stream()
                .filter(entry -> Duration.between(entry.getValue(), now).compareTo(stuckAfter) > 0)
                .min(Map.Entry.comparingByValue());
        if (stuck.isEmpty()) {
            return Health.up().withDetail("retrying", retryingSince.size()).build();
        }
        return Health.down()
                .withDetail("partition", stuck.get().getKey().toString())
                .withDetail("retryingSince", stuck.get().getValue().toString())
                .withDetail("retrying", retryingSince.size())
                .build();
    }
}
