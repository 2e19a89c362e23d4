package dev.knotless.platform.outbox;

import static dev.knotless.platform.outbox.TestStore.COLLECTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.knotless.platform.MovableTestClock;
import dev.knotless.platform.messaging.MessagingProperties;
import dev.knotless.platform.outbox.TestStore.Aggregate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Two relays on one store (two instances of a service): a document's events are sent by one of them
 * at a time, and a document whose relay died is taken over once its lease runs out. Kafka is a
 * template that records what it was given; the real broker is in {@link OutboxRelayBrokerTest}.
 */
class OutboxRelayLeaseTest {

    private static final Instant STAGED = Instant.parse("2026-11-20T15:00:00Z");
    private static final String TOPIC = "knotless.test.v1";
    private static final Duration LEASE = Duration.ofSeconds(30);

    private final TestStore store = new TestStore();
    private final List<OutboxRelay> relays = new ArrayList<>();

    @AfterEach
    void stop() {
        relays.forEach(OutboxRelay::stop);
        store.close();
    }

    /** A relay and what it sent. */
    private record Instance(OutboxRelay relay, List<String> sends, SimpleMeterRegistry meters) {
    }

    private Instance instance(Clock clock, java.util.function.Function<String, CompletableFuture<Object>> broker) {
        @SuppressWarnings("unchecked")
        KafkaTemplate<String, String> kafka = mock(KafkaTemplate.class);
        List<String> sends = new CopyOnWriteArrayList<>();
        when(kafka.send(anyString(), anyString(), anyString())).thenAnswer(call -> {
            sends.add(call.getArgument(2));
            return broker.apply(call.getArgument(2));
        });
        var properties = new MessagingProperties(3, (short) 1, 1, Duration.ofDays(30),
                new MessagingProperties.Outbox(List.of(COLLECTION), 100, Duration.ofHours(1), Duration.ofMillis(50),
                        Duration.ofMillis(200), Duration.ofSeconds(10), LEASE),
                new MessagingProperties.Consumer(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofMinutes(1)));
        var meters = new SimpleMeterRegistry();
        var relay = new OutboxRelay(store.mongo, kafka, properties, meters, clock);
        relays.add(relay);
        return new Instance(relay, sends, meters);
    }

    private static CompletableFuture<Object> acknowledged(String envelope) {
        return CompletableFuture.completedFuture(null);
    }

    @Test
    void aDocumentAnotherRelayIsSendingIsLeftToItAndTriedAgainAfterwards() throws Exception {
        // The first relay's broker holds every acknowledgement until the test lets go: its pass is under way.
        var acks = new CompletableFuture<Object>();
        var first = instance(Clock.systemUTC(), envelope -> acks);
        var second = instance(Clock.systemUTC(), OutboxRelayLeaseTest::acknowledged);
        var aggregates = new ArrayList<Aggregate>();
        for (int i = 0; i < 10; i++) {
            var aggregate = Aggregate.withEvents(TOPIC, STAGED, 3);
            aggregates.add(aggregate);
            store.silent.insert(aggregate, COLLECTION);
        }
        // Both know every document, as after both scanned (or one was saved on each).
        assertThat(first.relay().sweep()).isEqualTo(10);
        assertThat(second.relay().sweep()).isEqualTo(10);

        try (var thread = Executors.newSingleThreadExecutor()) {
            Future<Integer> firstPass = thread.submit(first.relay()::drain);
            await().atMost(Duration.ofSeconds(5)).until(() -> first.sends().size() == 30);

            assertThat(second.relay().drain()).as("all ten are held by the first relay").isZero();
            assertThat(second.sends()).isEmpty();
            assertThat(second.relay().pending(COLLECTION)).as("still known, to be tried again").isEqualTo(10);

            acks.complete(null);
            assertThat(firstPass.get()).isEqualTo(30);
        }
        // The second tries again after its back-off, finds them sent and pulled, and sends nothing.
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            second.relay().drain();
            return second.relay().pending(COLLECTION) == 0;
        });
        assertThat(second.sends()).isEmpty();
        assertThat(first.sends()).containsExactlyInAnyOrderElementsOf(aggregates.stream().flatMap(a -> a.envelopes().stream()).toList());
        aggregates.forEach(aggregate -> assertThat(first.sends().stream().filter(sent -> sent.startsWith(aggregate.id + "#")))
                .as("in staged order").containsExactlyElementsOf(aggregate.envelopes()));
        aggregates.forEach(aggregate -> assertThat(store.outboxOf(aggregate.id)).isEmpty());
        assertThat(store.mongo.getCollection(OutboxLeases.COLLECTION).countDocuments()).as("every lease let go").isZero();
    }

    @Test
    void aDocumentWhoseRelayDiedIsTakenOverWhenItsLeaseRunsOut() {
        var clock = new MovableTestClock(STAGED.plusSeconds(60));
        var survivor = instance(clock, OutboxRelayLeaseTest::acknowledged);
        store.listenWith(survivor.relay());
        var aggregate = Aggregate.withEvents(TOPIC, STAGED, 2);
        // An instance took it a moment ago and died before it sent anything (or after: its events were not pulled).
        store.mongo.getCollection(OutboxLeases.COLLECTION).insertOne(new Document("_id", COLLECTION + "/" + aggregate.id)
                .append("owner", "an-instance-that-died").append("until", Date.from(clock.instant().plus(LEASE))));
        store.mongo.insert(aggregate, COLLECTION);

        assertThat(survivor.relay().drain()).isZero();
        clock.advance(LEASE.minusSeconds(1));
        assertThat(survivor.relay().drain()).as("the lease has a second to run").isZero();
        assertThat(survivor.sends()).isEmpty();
        assertThat(survivor.relay().pending(COLLECTION)).isEqualTo(1);
        assertThat(survivor.relay().oldestAgeSeconds(COLLECTION)).isEqualTo(89);

        clock.advance(Duration.ofSeconds(1));
        assertThat(survivor.relay().drain()).isEqualTo(2);

        assertThat(survivor.sends()).containsExactlyElementsOf(aggregate.envelopes());
        assertThat(store.outboxOf(aggregate.id)).isEmpty();
        assertThat(survivor.relay().pending(COLLECTION)).isZero();
        assertThat(store.mongo.getCollection(OutboxLeases.COLLECTION).countDocuments()).isZero();
    }
}
