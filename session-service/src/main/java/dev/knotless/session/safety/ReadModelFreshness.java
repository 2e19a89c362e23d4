package dev.knotless.session.safety;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * Knows how current the read model of intakes and adverse events is, so that the safety gate can
 * refuse rather than decide from an old copy (Kafka down, the consumers far behind or stopped, a
 * service just started). Every {@code knotless.safety.check-interval}, on its own thread and never
 * on a request, it reads the end offsets of every partition of the topics this service's listeners
 * read and the committed offsets of their consumer groups, and feeds them to a
 * {@link ReadModelWatermark}. The committed offsets are the whole group's, so with several instances
 * sharing the partitions (and the store) the answer holds for the shared read model. A request only
 * reads the watermark.
 */
@Component
public class ReadModelFreshness implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReadModelFreshness.class);

    private final ReadModelWatermark watermark = new ReadModelWatermark();
    private final KafkaAdmin kafkaAdmin;
    private final KafkaListenerEndpointRegistry listeners;
    private final Clock clock;
    private final SafetyDataProperties properties;
    private final Instant startedAt;
    private volatile ScheduledExecutorService checker;
    private volatile Admin admin;
    private volatile boolean lastCheckFailed;

    ReadModelFreshness(KafkaAdmin kafkaAdmin, KafkaListenerEndpointRegistry listeners, Clock clock, SafetyDataProperties properties,
                       MeterRegistry meters) {
        this.kafkaAdmin = kafkaAdmin;
        this.listeners = listeners;
        this.clock = clock;
        this.properties = properties;
        this.startedAt = clock.instant();
        Gauge.builder("knotless.safety.read-model.age", this, freshness -> freshness.ageForMetrics().toMillis() / 1000.0)
                .description("How long ago every intake and outcome event then written was confirmed applied to the read model "
                        + "the safety gate decides from (since start, until the first confirmation); sessions are refused beyond "
                        + "knotless.safety.max-staleness")
                .baseUnit("seconds")
                .register(meters);
    }

    /** What the safety gate may rely on now. */
    public SafetyDataFreshness now() {
        return watermark.freshnessAt(clock.instant(), properties.maxStaleness());
    }

    /** The soonest the answer can change: the next check. */
    public Duration retryAfter() {
        long seconds = Math.max(1, (properties.checkInterval().toMillis() + 999) / 1000);
        return Duration.ofSeconds(seconds);
    }

    private Duration ageForMetrics() {
        Instant now = clock.instant();
        Duration age = Duration.between(watermark.currentAsOf().orElse(startedAt), now);
        return age.isNegative() ? Duration.ZERO : age;
    }

    /** One check; a failure (broker out of reach, timeout, a topic missing) advances nothing. */
    void check() {
        try {
            Map<String, Set<String>> topicsByGroup = topicsByGroup();
            Set<String> topics = new TreeSet<>();
            topicsByGroup.values().forEach(topics::addAll);
            Map<String, TopicDescription> descriptions = admin.describeTopics(topics).allTopicNames().get(waitLimit(), TimeUnit.MILLISECONDS);
            Map<String, List<TopicPartition>> partitionsOf = new HashMap<>();
            descriptions.forEach((topic, description) -> partitionsOf.put(topic,
                    description.partitions().stream().map(partition -> new TopicPartition(topic, partition.partition())).toList()));

            // Taken before the end offsets are asked for: every record written before it lies below them.
            Instant checkedAt = clock.instant();
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            partitionsOf.values().forEach(partitions -> partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest())));
            var endOffsetsAsked = admin.listOffsets(latest).all();
            Map<String, ListConsumerGroupOffsetsSpec> groups = new LinkedHashMap<>();
            topicsByGroup.forEach((group, groupTopics) -> groups.put(group, new ListConsumerGroupOffsetsSpec()
                    .topicPartitions(groupTopics.stream().flatMap(topic -> partitionsOf.get(topic).stream()).toList())));
            var committedAsked = admin.listConsumerGroupOffsets(groups);

            Map<TopicPartition, Long> endOffsets = new HashMap<>();
            endOffsetsAsked.get(waitLimit(), TimeUnit.MILLISECONDS)
                    .forEach((partition, info) -> endOffsets.put(partition, info.offset()));
            Map<TopicPartition, Long> committed = new HashMap<>();
            for (var group : topicsByGroup.entrySet()) {
                Map<TopicPartition, OffsetAndMetadata> offsets = committedOffsets(committedAsked.partitionsToOffsetAndMetadata(group.getKey()));
                for (String topic : group.getValue()) {
                    for (TopicPartition partition : partitionsOf.get(topic)) {
                        OffsetAndMetadata offset = offsets.get(partition);
                        // Two groups reading one topic: the one further behind decides.
                        committed.merge(partition, offset == null ? 0L : offset.offset(), Math::min);
                    }
                }
            }
            boolean confirmedBefore = watermark.currentAsOf().isPresent();
            watermark.observe(checkedAt, endOffsets, committed);
            if (!confirmedBefore && watermark.currentAsOf().isPresent()) {
                log.info("The read model of intakes and adverse events is confirmed current since start: sessions can be checked");
            }
            if (lastCheckFailed) {
                log.info("The safety data check reaches Kafka again");
                lastCheckFailed = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (!lastCheckFailed) {
                log.warn("Cannot check that the safety data are current ({}: {}); sessions are refused once they were last "
                        + "confirmed current more than {} ago", cause.getClass().getSimpleName(), cause.getMessage(), properties.maxStaleness());
                lastCheckFailed = true;
            }
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> committedOffsets(
            KafkaFuture<Map<TopicPartition, OffsetAndMetadata>> asked)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return asked.get(waitLimit(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Map.of(); // a group that never committed: nothing read yet
            }
            throw e;
        }
    }

    /** The topics each consumer group of this service reads: what its listeners subscribe to, so none is forgotten here. */
    private Map<String, Set<String>> topicsByGroup() {
        Map<String, Set<String>> topicsByGroup = new LinkedHashMap<>();
        for (MessageListenerContainer container : listeners.getAllListenerContainers()) {
            String[] topics = container.getContainerProperties().getTopics();
            if (topics == null || topics.length == 0 || container.getGroupId() == null) {
                throw new IllegalStateException("listener " + container.getListenerId() + " has no fixed topics or no group id");
            }
            topicsByGroup.computeIfAbsent(container.getGroupId(), group -> new TreeSet<>()).addAll(List.of(topics));
        }
        if (topicsByGroup.isEmpty()) {
            throw new IllegalStateException("no Kafka listeners: nothing feeds the read model");
        }
        return topicsByGroup;
    }

    /** The Admin client gives up after the check timeout itself; this only guards against a future that never ends. */
    private long waitLimit() {
        return properties.checkTimeout().toMillis() + 1_000;
    }

    @Override
    public void start() {
        Map<String, Object> config = new HashMap<>(kafkaAdmin.getConfigurationProperties());
        config.remove(AdminClientConfig.CLIENT_ID_CONFIG); // a generated id of its own, beside KafkaAdmin's
        int timeout = Math.toIntExact(properties.checkTimeout().toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        admin = Admin.create(config);
        checker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("read-model-freshness").daemon(true).factory());
        checker.scheduleWithFixedDelay(this::check, 0, properties.checkInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        ScheduledExecutorService running = checker;
        checker = null;
        if (running != null) {
            running.shutdownNow();
            try {
                running.awaitTermination(properties.checkTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
            admin = null;
        }
    }

    @Override
    public boolean isRunning() {
        return checker != null;
    }
}
