package dev.knotless.platform.outbox;

import dev.knotless.platform.messaging.MessagingProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Moves staged events from the outbox arrays of the configured collections to Kafka. Runs on one
 * thread: woken at once after a save that staged something, and every poll interval otherwise, so
 * that events staged while Kafka was down go out when it is back. A pass that fails backs off
 * exponentially up to {@code maxBackoff}. An event is pulled from the outbox only after Kafka
 * acknowledged it (acks=all): delivery is at least once, consumers dedupe by eventId.
 *
 * <p>Written by hand because the one library that does this (Spring Modulith's publication
 * registry) needs MongoDB transactions, which the embedded store does not have.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final MongoTemplate mongo;
    private final KafkaTemplate<String, String> kafka;
    private final MessagingProperties.Outbox config;
    private final Semaphore wakeUp = new Semaphore(0);
    private final Counter published;
    private final Counter failures;
    private volatile boolean running;
    private Thread worker;

    public OutboxRelay(MongoTemplate mongo, KafkaTemplate<String, String> kafka, MessagingProperties properties, MeterRegistry meters) {
        this.mongo = mongo;
        this.kafka = kafka;
        this.config = properties.outbox();
        this.published = Counter.builder("knotless.outbox.published").description("events relayed to Kafka").register(meters);
        this.failures = Counter.builder("knotless.outbox.failures").description("relay passes that failed").register(meters);
        for (String collection : config.collections()) {
            meters.gauge("knotless.outbox.pending", List.of(io.micrometer.core.instrument.Tag.of("collection", collection)),
                    this, relay -> relay.pendingIn(collection));
        }
    }

    /** Ask for a pass now; cheap and safe to call from any thread. */
    public void wakeUp() {
        if (wakeUp.availablePermits() == 0) {
            wakeUp.release();
        }
    }

    /** One pass over every collection; returns the number of events published. */
    public int relayPending() {
        int count = 0;
        for (String collection : config.collections()) {
            count += relay(collection);
        }
        return count;
    }

    private int relay(String collection) {
        Query pending = new Query(Criteria.where(OutboxMessage.FIELD + ".0").exists(true)).limit(config.batchSize());
        pending.fields().include(OutboxMessage.FIELD);
        int count = 0;
        for (Document document : mongo.find(pending, Document.class, collection)) {
            List<String> sent = new ArrayList<>();
            try {
                for (Document message : document.getList(OutboxMessage.FIELD, Document.class)) {
                    kafka.send(message.getString("topic"), message.getString("key"), message.getString("envelope"))
                            .get(config.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
                    sent.add(message.getString("eventId"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while relaying", e);
            } catch (Exception e) {
                throw new OutboxRelayException("Kafka did not acknowledge an event from " + collection, e);
            } finally {
                if (!sent.isEmpty()) {
                    // Pull by id, not by position: the aggregate may have staged more meanwhile.
                    mongo.updateFirst(Query.query(Criteria.where("_id").is(document.get("_id"))),
                            new Update().pull(OutboxMessage.FIELD, Query.query(Criteria.where("eventId").in(sent))),
                            collection);
                    published.increment(sent.size());
                }
            }
            count += sent.size();
        }
        return count;
    }

    private double pendingIn(String collection) {
        try {
            return mongo.count(new Query(Criteria.where(OutboxMessage.FIELD + ".0").exists(true)), collection);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private void loop() {
        Duration backoff = Duration.ZERO;
        while (running) {
            try {
                Duration wait = backoff.isZero() ? config.pollInterval() : backoff;
                if (wakeUp.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS) && !backoff.isZero()) {
                    // A wake-up during a back-off does not cut it short: Kafka is still likely down.
                    wakeUp.release();
                }
                wakeUp.drainPermits();
                if (!running) {
                    return;
                }
                relayPending();
                backoff = Duration.ZERO;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                failures.increment();
                backoff = backoff.isZero() ? Duration.ofMillis(200) : min(backoff.multipliedBy(2), config.maxBackoff());
                log.warn("Outbox relay pass failed, next try in {} ms: {}", backoff.toMillis(), e.getMessage());
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void start() {
        running = true;
        worker = Thread.ofPlatform().name("outbox-relay").daemon(true).start(this::loop);
        wakeUp();
    }

    @Override
    public void stop() {
        running = false;
        if (worker != null) {
            worker.interrupt();
            try {
                worker.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stop before Kafka's producer and the Mongo client are closed. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }

    static class OutboxRelayException extends RuntimeException {
        OutboxRelayException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
