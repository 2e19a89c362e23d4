package dev.knotless.testsupport;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload;
import dev.knotless.platform.messaging.EventCodec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/**
 * Reads a topic from its start in a fresh consumer group and keeps every decoded event, so a test
 * can wait for the event it expects: {@code probe.await(SessionRecorded.class, e -> ...)}.
 */
public final class EventProbe implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final List<EventEnvelope> seen = new CopyOnWriteArrayList<>();
    private final List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> raw = new CopyOnWriteArrayList<>();
    private final EventCodec codec = new EventCodec();
    private final Thread poller;
    private volatile boolean running = true;

    public EventProbe(String bootstrapServers, String... topics) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        consumer.subscribe(List.of(topics));
        poller = Thread.ofPlatform().daemon(true).name("event-probe").start(this::poll);
    }

    private void poll() {
        try {
            while (running) {
                for (var record : consumer.poll(Duration.ofMillis(100))) {
                    raw.add(record);
                    try {
                        seen.add(codec.decode(record.value()));
                    } catch (RuntimeException ignored) {
                        // raw() still shows it: dead-letter tests look there
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException ignored) {
            // closing
        } finally {
            consumer.close();
        }
    }

    public List<EventEnvelope> events() {
        return List.copyOf(seen);
    }

    public List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> records() {
        return List.copyOf(raw);
    }

    /** Waits up to 15 s for an event with this payload type that matches, and returns it. */
    public <P extends EventPayload> EventEnvelope await(Class<P> payloadType, Predicate<EventEnvelope> matching) {
        return Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> seen.stream()
                        .filter(e -> payloadType.isInstance(e.payload()))
                        .filter(matching)
                        .findFirst(), java.util.Optional::isPresent)
                .orElseThrow();
    }

    public <P extends EventPayload> List<EventEnvelope> eventsOf(Class<P> payloadType, UUID patientId) {
        return seen.stream().filter(e -> payloadType.isInstance(e.payload()) && e.patientId().equals(patientId)).toList();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            poller.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
