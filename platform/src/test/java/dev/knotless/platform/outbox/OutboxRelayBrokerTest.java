package dev.knotless.platform.outbox;

import static dev.knotless.platform.outbox.TestStore.COLLECTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.knotless.platform.messaging.MessagingProperties;
import dev.knotless.platform.outbox.TestStore.Aggregate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.BsonDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The relay end to end: a real Kafka broker in this JVM (KRaft, as the embedded run uses), the
 * embedded store, the listener the services' saves reach, and a consumer reading what arrived.
 */
class OutboxRelayBrokerTest {

    private static final Instant STAGED = Instant.parse("2026-11-20T15:00:00Z");
    private static final int PARTITIONS = 3;

    private static EmbeddedKafkaKraftBroker broker;

    private final String topic = "knotless.relay-test-" + UUID.randomUUID() + ".v1";
    private final TestStore store = new TestStore();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private OutboxRelay relay;

    @BeforeAll
    static void startBroker() {
        broker = new EmbeddedKafkaKraftBroker(1, PARTITIONS);
        broker.afterPropertiesSet();
    }

    @AfterAll
    static void stopBroker() {
        broker.destroy();
    }

    @AfterEach
    void stop() throws Exception {
        if (relay != null) {
            relay.stop();
        }
        for (AutoCloseable closeable : toClose.reversed()) {
            closeable.close();
        }
        store.close();
    }

    private OutboxRelay relay(String bootstrapServers, int batchSize, Duration safetyNetInterval) {
        relay = newRelay(bootstrapServers, batchSize, safetyNetInterval, meters);
        store.listenWith(relay);
        return relay;
    }

    /** A relay of its own producer and meters, as another instance of the service has; stopped after the test. */
    private OutboxRelay newRelay(String bootstrapServers, int batchSize, Duration safetyNetInterval, SimpleMeterRegistry meters) {
        Map<String, Object> producer = new HashMap<>(OutboxRelay.PRODUCER_GUARANTEES);
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        // Short, so that a broker that is not there fails a pass within a second.
        producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 500);
        producer.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000);
        producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3000);
        producer.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        var factory = new DefaultKafkaProducerFactory<String, String>(producer);
        toClose.add(factory::destroy);
        var properties = new MessagingProperties(PARTITIONS, (short) 1, 1, Duration.ofDays(30),
                new MessagingProperties.Outbox(List.of(COLLECTION), batchSize, safetyNetInterval, Duration.ofMillis(100),
                        Duration.ofMillis(400), Duration.ofSeconds(5), Duration.ofSeconds(30)),
                new MessagingProperties.Consumer(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofMinutes(1)));
        var created = new OutboxRelay(store.mongo, new KafkaTemplate<>(factory), properties, meters, Clock.systemUTC());
        toClose.add(created::stop);
        return created;
    }

    private OutboxRelay relay() {
        broker.addTopics(new NewTopic(topic, PARTITIONS, (short) 1));
        return relay(broker.getBrokersAsString(), 100, Duration.ofHours(1));
    }

    @Test
    void eventsStagedWhileKafkaIsDownArePublishedOnceItIsBack(@TempDir Path kafkaLog) {
        var kafka = new RestartableBroker(kafkaLog);
        toClose.add(kafka);
        kafka.start();
        kafka.createTopic(topic, PARTITIONS);
        relay(kafka.bootstrapServers(), 100, Duration.ofHours(1)).start();
        var before = Aggregate.withEvents(topic, STAGED, 1);
        store.mongo.insert(before, COLLECTION);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.outboxOf(before.id).isEmpty());
        store.forgetCommands(); // the recovery scan at start is behind us

        kafka.stop();
        var staged = new ArrayList<Aggregate>();
        for (int i = 0; i < 3; i++) {
            var aggregate = Aggregate.withEvents(topic, STAGED, 2);
            staged.add(aggregate);
            store.mongo.insert(aggregate, COLLECTION);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> meters.counter("knotless.outbox.failures").count() >= 2);
        staged.forEach(aggregate -> assertThat(store.outboxOf(aggregate.id)).hasSize(2));
        assertThat(pendingGauge()).isEqualTo(3);

        kafka.start(); // same ports, same log: Kafka is back

        var expected = new ArrayList<>(before.envelopes());
        staged.forEach(aggregate -> expected.addAll(aggregate.envelopes()));
        var records = consume(kafka.bootstrapServers(), expected.size());
        assertThat(records).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(expected);
        await().atMost(Duration.ofSeconds(5)).until(() -> pendingGauge() == 0);
        staged.forEach(aggregate -> assertThat(store.outboxOf(aggregate.id)).isEmpty());
        // Outage, back-off and recovery went by without a scan or a count.
        assertThat(store.scans()).isEmpty();
        assertThat(store.commands("count")).isEmpty();
    }

    private double pendingGauge() {
        return meters.get("knotless.outbox.pending").tag("collection", COLLECTION).gauge().value();
    }

    @Test
    void theEventsOfADocumentArriveInTheOrderTheyWereStaged() {
        relay().start();
        await().atMost(Duration.ofSeconds(5)).until(() -> !store.scans().isEmpty());
        store.forgetCommands(); // the recovery scan at start is behind us
        var first = Aggregate.withEvents(topic, STAGED, 20);
        var second = Aggregate.withEvents(topic, STAGED, 20);
        store.mongo.insert(first, COLLECTION);
        store.mongo.insert(second, COLLECTION);

        var records = consume(broker.getBrokersAsString(), 40);

        assertThat(records.stream().filter(r -> r.key().equals(first.id)).map(ConsumerRecord::value))
                .containsExactlyElementsOf(first.envelopes());
        assertThat(records.stream().filter(r -> r.key().equals(second.id)).map(ConsumerRecord::value))
                .containsExactlyElementsOf(second.envelopes());
        await().atMost(Duration.ofSeconds(5)).until(() -> store.outboxOf(first.id).isEmpty() && store.outboxOf(second.id).isEmpty());
        assertThat(store.scans()).isEmpty();
    }

    @Test
    void anEventKafkaRefusesForGoodIsSetAsideAndTheEventsBehindItGoOn() {
        relay().start();
        await().atMost(Duration.ofSeconds(5)).until(() -> !store.scans().isEmpty());
        var refusedOne = Aggregate.withEvents(topic, STAGED, 3);
        // Larger than the producer's max.request.size (1 MB): Kafka refuses it on every try.
        OutboxMessage tooLarge = refusedOne.outbox.get(1);
        refusedOne.outbox.set(1, new OutboxMessage(tooLarge.eventId(), topic, refusedOne.id, "x".repeat(1_100_000), tooLarge.stagedAt()));
        var behind = Aggregate.withEvents(topic, STAGED, 1);
        store.mongo.insert(refusedOne, COLLECTION);
        store.mongo.insert(behind, COLLECTION);

        var records = consume(broker.getBrokersAsString(), 3);

        assertThat(records).extracting(ConsumerRecord::value).containsExactlyInAnyOrder(
                refusedOne.envelopes().get(0), refusedOne.envelopes().get(2), behind.envelopes().get(0));
        await().atMost(Duration.ofSeconds(5)).until(() -> store.outboxOf(refusedOne.id).isEmpty() && store.outboxOf(behind.id).isEmpty());
        org.bson.Document setAside = store.mongo.findById(tooLarge.eventId(), org.bson.Document.class, OutboxRelay.REFUSED);
        assertThat(setAside).as("set aside with what it takes to send it again").isNotNull();
        assertThat(setAside.getString("reason")).startsWith("RecordTooLargeException");
        assertThat(setAside.getString("envelope")).hasSize(1_100_000);
        assertThat(setAside.getString("topic")).isEqualTo(topic);
        assertThat(setAside.get("documentId")).isEqualTo(refusedOne.id);
        assertThat(meters.counter("knotless.outbox.refused", "collection", COLLECTION).count()).isEqualTo(1);
        assertThat(meters.counter("knotless.outbox.failures").count()).as("no failed pass, no back-off").isZero();
    }

    @Test
    void morePendingDocumentsThanOneBatchAreAllPublishedBatchByBatch() {
        broker.addTopics(new NewTopic(topic, PARTITIONS, (short) 1));
        relay(broker.getBrokersAsString(), 5, Duration.ofHours(1));
        var staged = new ArrayList<Aggregate>();
        for (int i = 0; i < 23; i++) {
            var aggregate = Aggregate.withEvents(topic, STAGED, 1 + i % 2);
            staged.add(aggregate);
            store.mongo.insert(aggregate, COLLECTION);
        }
        assertThat(relay.pending(COLLECTION)).isEqualTo(23);
        store.forgetCommands();

        relay.start();

        var records = consume(broker.getBrokersAsString(), staged.stream().mapToInt(a -> a.outbox.size()).sum());
        assertThat(records).extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrderElementsOf(staged.stream().flatMap(a -> a.envelopes().stream()).toList());
        await().atMost(Duration.ofSeconds(5)).until(() -> relay.pending(COLLECTION) == 0);
        staged.forEach(aggregate -> assertThat(store.outboxOf(aggregate.id)).isEmpty());
        // Lookups by key of at most five documents each (the start's recovery scan aside): five, or more when a
        // pass failed on a loaded machine (its batch is then loaded again, its events sent once more at most).
        List<BsonDocument> lookups = store.commands("find").stream()
                .filter(find -> find.getDocument("filter").get("_id") instanceof BsonDocument id && id.containsKey("$in"))
                .toList();
        assertThat(lookups).hasSizeGreaterThanOrEqualTo(5)
                .allSatisfy(find -> assertThat(find.getDocument("filter").getDocument("_id").getArray("$in").size()).isLessThanOrEqualTo(5));
        assertThat(lookups.stream().flatMap(find -> find.getDocument("filter").getDocument("_id").getArray("$in").stream()).distinct())
                .hasSize(23);
        // And bulk writes keyed by _id pull the events of the 23 documents.
        assertThat(store.commands("update")).hasSizeGreaterThanOrEqualTo(5)
                .flatMap(update -> update.getArray("updates").stream().toList()).hasSizeGreaterThanOrEqualTo(23);
    }

    @Test
    void theSafetyNetFindsAnEventWhoseWakeUpWasLost() {
        broker.addTopics(new NewTopic(topic, PARTITIONS, (short) 1));
        relay(broker.getBrokersAsString(), 100, Duration.ofMillis(500)).start();
        await().atMost(Duration.ofSeconds(5)).until(() -> !store.scans().isEmpty());

        var lost = Aggregate.withEvents(topic, STAGED, 2);
        store.silent.insert(lost, COLLECTION); // nobody tells the relay

        var records = consume(broker.getBrokersAsString(), 2);
        assertThat(records).extracting(ConsumerRecord::value).containsExactlyElementsOf(lost.envelopes());
        await().atMost(Duration.ofSeconds(5)).until(() -> store.outboxOf(lost.id).isEmpty());
    }

    @Test
    void theSafetyNetCanBeAskedForAtOnce() {
        relay().start();
        await().atMost(Duration.ofSeconds(5)).until(() -> !store.scans().isEmpty());
        var lost = Aggregate.withEvents(topic, STAGED, 1);
        store.silent.insert(lost, COLLECTION);
        assertThat(relay.pending(COLLECTION)).isZero(); // nobody told the relay

        relay.requestSafetyNet();

        assertThat(consume(broker.getBrokersAsString(), 1)).extracting(ConsumerRecord::value).containsExactlyElementsOf(lost.envelopes());
    }

    @Test
    void theRecoveryPassAtStartPublishesWhatAnEarlierRunLeftStaged() {
        broker.addTopics(new NewTopic(topic, PARTITIONS, (short) 1));
        var leftOver = Aggregate.withEvents(topic, STAGED, 3);
        store.silent.insert(leftOver, COLLECTION);

        relay(broker.getBrokersAsString(), 100, Duration.ofHours(1)).start();

        assertThat(consume(broker.getBrokersAsString(), 3)).extracting(ConsumerRecord::value)
                .containsExactlyElementsOf(leftOver.envelopes());
        await().atMost(Duration.ofSeconds(5)).until(() -> store.outboxOf(leftOver.id).isEmpty());
    }

    @Test
    void twoRelaysOnOneStorePublishEveryEventOnceAndEachDocumentsInOrder() {
        broker.addTopics(new NewTopic(topic, PARTITIONS, (short) 1));
        // Two instances of a service: half the saves reach the first, half nobody (saved on the second in a
        // way it did not hear of); the second's safety net, every 50 ms, finds both halves, the first's while
        // the first is relaying them (what leases are for).
        var firstMeters = new SimpleMeterRegistry();
        var secondMeters = new SimpleMeterRegistry();
        var first = newRelay(broker.getBrokersAsString(), 20, Duration.ofHours(1), firstMeters);
        var second = newRelay(broker.getBrokersAsString(), 20, Duration.ofMillis(50), secondMeters);
        store.listenWith(first);
        first.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> !store.scans().isEmpty()); // its one scan, at start
        second.start();

        var staged = new ArrayList<Aggregate>();
        for (int i = 0; i < 200; i++) {
            var aggregate = Aggregate.withEvents(topic, STAGED, 5);
            staged.add(aggregate);
            (i % 2 == 0 ? store.mongo : store.silent).insert(aggregate, COLLECTION);
        }
        int events = staged.size() * 5;

        var records = consume(broker.getBrokersAsString(), events);
        await().atMost(Duration.ofSeconds(10)).until(() -> staged.stream().allMatch(a -> store.outboxOf(a.id).isEmpty()));
        // Nothing more arrives once every outbox is empty: no event went out twice.
        records.addAll(consumeMore(broker.getBrokersAsString(), records.size()));

        assertThat(records).hasSize(events);
        for (Aggregate aggregate : staged) {
            assertThat(records.stream().filter(r -> r.key().equals(aggregate.id)).map(ConsumerRecord::value))
                    .as("the events of %s, once each, in staged order", aggregate.id)
                    .containsExactlyElementsOf(aggregate.envelopes());
        }
        double byFirst = firstMeters.counter("knotless.outbox.published").count();
        double bySecond = secondMeters.counter("knotless.outbox.published").count();
        org.slf4j.LoggerFactory.getLogger(getClass()).info("Events published by the first relay: {}, by the second: {}", byFirst, bySecond);
        assertThat(byFirst + bySecond).isEqualTo(events);
        assertThat(bySecond).as("the second relay sent at least what only it knew of").isGreaterThanOrEqualTo(events / 2.0);
        await().atMost(Duration.ofSeconds(5)).until(() -> first.pending(COLLECTION) == 0 && second.pending(COLLECTION) == 0);
        assertThat(store.mongo.getCollection(OutboxLeases.COLLECTION).countDocuments()).as("every lease let go").isZero();
    }

    /** Records beyond the first {@code already} of the test's topic, read for a second after the last one. */
    private List<ConsumerRecord<String, String>> consumeMore(String bootstrapServers, int already) {
        var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        try (consumer) {
            var partitions = IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long quietSince = System.nanoTime();
            while (System.nanoTime() - quietSince < Duration.ofSeconds(1).toNanos()) {
                var polled = consumer.poll(Duration.ofMillis(100));
                if (!polled.isEmpty()) {
                    polled.forEach(records::add);
                    quietSince = System.nanoTime();
                }
            }
            return records.subList(Math.min(already, records.size()), records.size());
        }
    }

    /** Reads the test's topic from the start until {@code count} records arrived. */
    private List<ConsumerRecord<String, String>> consume(String bootstrapServers, int count) {
        var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        try (consumer) {
            var partitions = IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return records.size() >= count;
            });
            return records;
        }
    }
}
