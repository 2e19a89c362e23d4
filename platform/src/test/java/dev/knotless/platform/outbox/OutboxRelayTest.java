package dev.knotless.platform.outbox;

import static dev.knotless.platform.outbox.TestStore.COLLECTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.knotless.platform.messaging.MessagingProperties;
import dev.knotless.platform.outbox.TestStore.Aggregate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.bson.BsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The relay's bookkeeping against the embedded store and a Kafka template that acknowledges, fails
 * or holds on demand (the broker itself is in {@link OutboxRelayBrokerTest}).
 */
class OutboxRelayTest {

    private static final Instant STAGED = Instant.parse("2026-11-20T15:00:00Z");
    private static final String TOPIC = "knotless.test.v1";

    private final TestStore store = new TestStore();
    @SuppressWarnings("unchecked")
    private final KafkaTemplate<String, String> kafka = mock(KafkaTemplate.class);
    /** Every send the relay made, as "envelope", in order. */
    private final List<String> sends = new CopyOnWriteArrayList<>();
    private final List<Long> sendTimes = new CopyOnWriteArrayList<>();
    private volatile Function<String, CompletableFuture<Object>> broker = envelope -> CompletableFuture.completedFuture(null);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private OutboxRelay relay;

    private OutboxRelay relay(int batchSize, Duration backoff, Clock clock) {
        when(kafka.send(anyString(), anyString(), anyString())).thenAnswer(call -> {
            sends.add(call.getArgument(2));
            sendTimes.add(System.nanoTime());
            return broker.apply(call.getArgument(2));
        });
        var properties = new MessagingProperties(3, (short) 1, 1, Duration.ofDays(30),
                new MessagingProperties.Outbox(List.of(COLLECTION), batchSize, Duration.ofHours(1), backoff, backoff, Duration.ofSeconds(1),
                        Duration.ofSeconds(30)),
                new MessagingProperties.Consumer(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofMinutes(1)));
        relay = new OutboxRelay(store.mongo, kafka, properties, meters, clock);
        store.listenWith(relay);
        return relay;
    }

    private OutboxRelay relay() {
        return relay(100, Duration.ofMillis(100), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.stop();
        }
        store.close();
    }

    @Test
    void publishedEventsLeaveTheOutboxAndTheDocumentStays() {
        relay();
        var aggregate = Aggregate.withEvents(TOPIC, STAGED, 2);
        store.mongo.insert(aggregate, COLLECTION);

        assertThat(relay.drain()).isEqualTo(2);

        assertThat(store.outboxOf(aggregate.id)).isEmpty();
        assertThat(sends).containsExactlyElementsOf(aggregate.envelopes());
        assertThat(relay.drain()).isZero();
        assertThat(meters.counter("knotless.outbox.published").count()).isEqualTo(2);
    }

    @Test
    void aSaveHandsOverItsDocumentOnceHoweverOftenItIsSaved() {
        relay();
        var aggregate = Aggregate.withEvents(TOPIC, STAGED, 1);
        store.mongo.insert(aggregate, COLLECTION);
        store.mongo.save(aggregate, COLLECTION);
        store.mongo.save(aggregate, COLLECTION);

        assertThat(relay.pending(COLLECTION)).isEqualTo(1);
        assertThat(relay.drain()).isEqualTo(1);
        assertThat(sends).hasSize(1);
        assertThat(relay.pending(COLLECTION)).isZero();
    }

    @Test
    void onlyTheUnbrokenPrefixOfAcknowledgedEventsIsPulledSoARetryKeepsTheOrder() {
        relay(100, Duration.ofMillis(100), Clock.fixed(STAGED.plusSeconds(10), ZoneOffset.UTC));
        var aggregate = Aggregate.withEvents(TOPIC, STAGED, 3);
        String second = aggregate.outbox.get(1).envelope();
        broker = envelope -> envelope.equals(second)
                ? CompletableFuture.failedFuture(new IllegalStateException("broker down"))
                : CompletableFuture.completedFuture(null);
        store.mongo.insert(aggregate, COLLECTION);

        assertThatThrownBy(relay::drain).hasMessageContaining("did not acknowledge");

        // The third was acknowledged too, but it stays behind the second, which failed.
        assertThat(store.outboxOf(aggregate.id)).extracting(OutboxMessage::eventId)
                .containsExactly(aggregate.outbox.get(1).eventId(), aggregate.outbox.get(2).eventId());
        assertThat(relay.pending(COLLECTION)).isEqualTo(1);
        // The age is now that of the second event (staged 1 ms after the first, which went out).
        assertThat(relay.oldestAgeSeconds(COLLECTION)).isEqualTo(9.999);

        broker = envelope -> CompletableFuture.completedFuture(null);
        sends.clear();
        assertThat(relay.drain()).isEqualTo(2);
        assertThat(sends).containsExactlyElementsOf(aggregate.envelopes().subList(1, 3));
        assertThat(store.outboxOf(aggregate.id)).isEmpty();
        assertThat(relay.pending(COLLECTION)).isZero();
    }

    @Test
    void aBatchIsSentWholeBeforeAnyAcknowledgementIsAwaited() {
        relay();
        var aggregate = Aggregate.withEvents(TOPIC, STAGED, 20);
        // The broker answers nothing until the twentieth send: a relay that waited for each
        // acknowledgement in turn would time out on the first.
        List<CompletableFuture<Object>> unanswered = new ArrayList<>();
        broker = envelope -> {
            var ack = new CompletableFuture<Object>();
            unanswered.add(ack);
            if (unanswered.size() == 20) {
                unanswered.forEach(pending -> pending.complete(null));
            }
            return ack;
        };
        store.mongo.insert(aggregate, COLLECTION);

        assertThat(relay.drain()).isEqualTo(20);
        assertThat(store.outboxOf(aggregate.id)).isEmpty();
    }

    @Test
    void theGaugesComeFromTheQueueWithoutAQuery() {
        relay(100, Duration.ofMillis(100), Clock.fixed(STAGED.plusSeconds(42), ZoneOffset.UTC));
        store.mongo.insert(Aggregate.withEvents(TOPIC, STAGED, 2), COLLECTION);
        store.mongo.insert(Aggregate.withEvents(TOPIC, STAGED.plusSeconds(30), 1), COLLECTION);
        store.mongo.insert(Aggregate.withEvents(TOPIC, STAGED.plusSeconds(40), 1), COLLECTION);
        store.forgetCommands();

        assertThat(meters.get("knotless.outbox.pending").tag("collection", COLLECTION).gauge().value()).isEqualTo(3);
        assertThat(meters.get("knotless.outbox.oldest.age").tag("collection", COLLECTION).gauge().value()).isEqualTo(42);
        assertThat(store.commands).isEmpty();

        relay.drain();
        assertThat(meters.get("knotless.outbox.pending").tag("collection", COLLECTION).gauge().value()).isZero();
        assertThat(meters.get("knotless.outbox.oldest.age").tag("collection", COLLECTION).gauge().value()).isZero();
    }

    @Test
    void failedDocumentsStayQueuedAndCountedAsPending() {
        relay(100, Duration.ofMillis(100), Clock.fixed(STAGED.plusSeconds(10), ZoneOffset.UTC));
        broker = envelope -> CompletableFuture.failedFuture(new IllegalStateException("broker down"));
        for (int i = 0; i < 3; i++) {
            store.mongo.insert(Aggregate.withEvents(TOPIC, STAGED, 1), COLLECTION);
        }

        assertThatThrownBy(relay::drain).hasMessageContaining("did not acknowledge");

        assertThat(meters.get("knotless.outbox.pending").tag("collection", COLLECTION).gauge().value()).isEqualTo(3);
        assertThat(meters.get("knotless.outbox.oldest.age").tag("collection", COLLECTION).gauge().value()).isEqualTo(10);
    }

    @Test
    void aSaveDuringABackOffWaitsForItsEnd() {
        Duration backoff = Duration.ofSeconds(3);
        relay(100, backoff, Clock.systemUTC());
        broker = envelope -> CompletableFuture.failedFuture(new IllegalStateException("broker down"));
        relay.start();
        var first = Aggregate.withEvents(TOPIC, STAGED, 1);
        store.mongo.insert(first, COLLECTION);
        await().atMost(Duration.ofSeconds(5)).until(() -> meters.counter("knotless.outbox.failures").count() == 1);

        broker = envelope -> CompletableFuture.completedFuture(null);
        var second = Aggregate.withEvents(TOPIC, STAGED, 1);
        store.mongo.insert(second, COLLECTION);

        // The save queued its document but did not start a pass: the relay is still backing off.
        await().during(Duration.ofMillis(1000)).atMost(Duration.ofMillis(2500)).until(() -> sends.size() == 1);
        assertThat(relay.pending(COLLECTION)).isEqualTo(2);

        await().atMost(Duration.ofSeconds(5)).until(() -> store.outboxOf(second.id).isEmpty());
        assertThat(store.outboxOf(first.id)).isEmpty();
        // The failed document goes first; the retry came no sooner than the back-off.
        assertThat(sends).containsExactly(first.envelopes().get(0), first.envelopes().get(0), second.envelopes().get(0));
        assertThat(Duration.ofNanos(sendTimes.get(1) - sendTimes.get(0))).isGreaterThanOrEqualTo(backoff);
    }

    @Test
    void aWakeUpDrivenPassLooksDocumentsUpByKeyAndNeverScans() {
        relay(100, Duration.ofMillis(100), Clock.systemUTC()).start();
        // The recovery pass at start is the one scan allowed; wait for it, then watch.
        await().atMost(Duration.ofSeconds(5)).until(() -> !store.scans().isEmpty());
        store.forgetCommands();

        var aggregates = new ArrayList<Aggregate>();
        for (int i = 0; i < 5; i++) {
            var aggregate = Aggregate.withEvents(TOPIC, STAGED, 2);
            aggregates.add(aggregate);
            store.mongo.insert(aggregate, COLLECTION);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> sends.size() == 10);
        await().atMost(Duration.ofSeconds(5)).until(() -> relay.pending(COLLECTION) == 0);

        assertThat(store.scans()).isEmpty();
        assertThat(store.commands("count")).isEmpty();
        assertThat(store.commands("aggregate")).isEmpty();
        for (BsonDocument find : store.commands("find")) {
            assertThat(find.getDocument("filter").keySet()).isEqualTo(Set.of("_id"));
            assertThat(find.getDocument("filter").getDocument("_id").keySet()).isEqualTo(Set.of("$in"));
        }
        // The pulls: bulk updates (one per pass) of each document once, by its _id.
        var pulls = store.commands("update").stream().flatMap(update -> update.getArray("updates").stream()).toList();
        assertThat(pulls).hasSize(5).allSatisfy(pull -> assertThat(pull.asDocument().getDocument("q").keySet()).isEqualTo(Set.of("_id")));
        aggregates.forEach(aggregate -> assertThat(store.outboxOf(aggregate.id)).isEmpty());
    }

    @Test
    void aPassReadsTheDocumentsItRelaysWhateverTheSizeOfTheCollection() {
        relay();
        store.mongo.insert(Aggregate.withEvents(TOPIC, STAGED, 1), COLLECTION);
        relay.drain(); // the first pass creates the leases' collection, which the store counts once
        var readsBySize = new java.util.LinkedHashMap<Integer, Long>();
        var scanReadsBySize = new java.util.LinkedHashMap<Integer, Long>();
        int stored = 0;
        for (int size : List.of(100, 2_000)) {
            // Documents whose events left long ago: a scan would read them all, a lookup by key none.
            List<org.bson.Document> published = new ArrayList<>();
            for (; stored < size; stored++) {
                published.add(new org.bson.Document("_id", "published-" + stored).append("outbox", List.of()));
            }
            if (!published.isEmpty()) {
                store.mongo.getCollection(COLLECTION).insertMany(published);
            }
            for (int i = 0; i < 5; i++) {
                store.mongo.insert(Aggregate.withEvents(TOPIC, STAGED, 2), COLLECTION);
            }

            long before = store.examined();
            assertThat(relay.drain()).isEqualTo(10);
            readsBySize.put(size, store.examined() - before);

            // The safety net's scan, by contrast, reads them all: what the count is there to catch.
            before = store.examined();
            relay.sweep();
            scanReadsBySize.put(size, store.examined() - before);
            assertThat(scanReadsBySize.get(size)).isGreaterThanOrEqualTo(size);
        }

        // Five documents looked up, then each read once more by its pull, and their five leases by their release:
        // the same at 100 and 2,000.
        org.slf4j.LoggerFactory.getLogger(getClass()).info("Documents examined by a pass of 5 documents, by collection size: {}; by a safety-net scan: {}",
                readsBySize, scanReadsBySize);
        assertThat(readsBySize.get(2_000)).isEqualTo(readsBySize.get(100)).isLessThanOrEqualTo(15);
    }
}
