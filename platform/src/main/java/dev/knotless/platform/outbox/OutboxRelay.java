package dev.knotless.platform.outbox;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import dev.knotless.platform.lock.OncePerInterval;
import dev.knotless.platform.messaging.MessagingProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Moves staged events from the outbox arrays of the configured collections to Kafka, on one
 * thread, without scanning on its hot path:
 * <ul>
 *   <li>A save that leaves staged events hands the relay the document's collection and
 *       {@code _id} ({@link #staged}); the relay queues it once, however often it is saved.</li>
 *   <li>The thread takes up to {@code batchSize} queued documents, loads them by key
 *       ({@code {_id: {$in: [...]}}}, only the outbox field), sends all their events at once
 *       (pipelined on an idempotent producer, which keeps their order per partition), then waits
 *       for all the acknowledgements within {@code sendTimeout}.</li>
 *   <li>Per document it pulls, by eventId, only the unbroken prefix of acknowledged events, so a
 *       retry resends the rest in their staged order. An event leaves the outbox only after Kafka
 *       acknowledged it (acks=all): delivery is at least once, consumers dedupe by eventId.</li>
 *   <li>A document whose events were not all acknowledged stays queued, at the head, and the
 *       relay backs off exponentially up to {@code maxBackoff}; saves during a back-off queue their
 *       documents but do not cut it short (Kafka is most likely still down).</li>
 *   <li>An event Kafka refuses for good (too large, a topic it may not write, an invalid record:
 *       the same on every try) is set aside: copied to {@code outbox_refused} under its eventId
 *       with the reason, then pulled like an acknowledged one, counted in
 *       {@code knotless.outbox.refused} and logged without its contents. The events behind it go on;
 *       an operator can send it again once the cause is fixed.</li>
 *   <li>The only scan, {@code {outbox.0: {$exists: true}}}, is the recovery pass at start and the
 *       safety net every {@code safetyNetInterval}: it finds what no save handed over (a crash, a
 *       lost wake-up, another instance's leftovers) and queues it for the same batch path. With
 *       several instances, one of them runs the periodic safety net per interval (the lock
 *       {@value #SAFETY_NET_JOB}).</li>
 *   <li>Several instances share the documents: before loading a batch the relay takes a lease on
 *       each document ({@link OutboxLeases}, in one insert for the batch), sends the events only of
 *       those it holds, and lets the leases go after the pull. A document another instance holds is
 *       tried again shortly, from the initial back-off doubling up to the end of that lease (a save
 *       may have staged events that the holder did not load), so it is never dropped. A lease
 *       outlives any pass ({@code lease}, at least twice {@code sendTimeout}); one left by an
 *       instance that died runs out, and another takes the document over (and may send again what
 *       the dead one sent but did not pull: consumers dedupe by eventId).</li>
 * </ul>
 *
 * <p>Written by hand because the one library that does this (Spring Modulith's publication
 * registry) needs MongoDB transactions, which the embedded store does not have.
 */
public class OutboxRelay implements SmartLifecycle {

    /**
     * What the relay's guarantees rest on, applied to every service's producer by
     * {@link OutboxConfiguration}: acks from all in-sync replicas, and an idempotent producer with
     * at most 5 requests in flight, so pipelined sends keep their order per partition.
     */
    public static final Map<String, Object> PRODUCER_GUARANTEES = Map.of(
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    /** Where refused events are set aside, in each service's own database, under their eventId. */
    public static final String REFUSED = "outbox_refused";

    /** The name of the periodic safety net's lock. */
    public static final String SAFETY_NET_JOB = "outbox-safety-net";

    /** A document known to hold staged events. */
    record Staged(String collection, Object id) {
    }

    /** A document another instance holds: when its oldest known event was staged, when to try it again. */
    private record Deferred(Instant stagedAt, Instant retryAt) {
    }

    private final MongoTemplate mongo;
    private final KafkaTemplate<String, String> kafka;
    private final MessagingProperties.Outbox config;
    private final Clock clock;
    private final Counter published;
    private final Counter failures;
    private final MeterRegistry meters;
    private final OutboxLeases leases;
    /** Null: this instance runs every periodic safety net itself. */
    private final OncePerInterval safetyNetOnce;
    private final Set<String> warnedCollections = ConcurrentHashMap.newKeySet();

    private final Object lock = new Object();
    /** Documents waiting for a pass, oldest first, with the staging time of their oldest known event. */
    private final LinkedHashMap<Staged, Instant> queued = new LinkedHashMap<>();
    /** The documents of the pass under way; still counted as pending. */
    private Map<Staged, Instant> inFlight = Map.of();
    /** Documents another instance holds, to be tried again; still counted as pending. */
    private final LinkedHashMap<Staged, Deferred> deferred = new LinkedHashMap<>();
    /** How often in a row each document was found held elsewhere (for its back-off); the relay thread's own. */
    private final Map<Staged, Integer> contested = new HashMap<>();

    private final Semaphore doorbell = new Semaphore(0);
    private volatile boolean safetyNetRequested;
    private volatile boolean running;
    private volatile boolean stopping;
    private Thread worker;

    public OutboxRelay(MongoTemplate mongo, KafkaTemplate<String, String> kafka, MessagingProperties properties,
            MeterRegistry meters, Clock clock) {
        this(mongo, kafka, properties, meters, clock, null);
    }

    /**
     * @param safetyNetOnce runs the periodic safety net on one instance per interval; null: on this one every time
     */
    public OutboxRelay(MongoTemplate mongo, KafkaTemplate<String, String> kafka, MessagingProperties properties,
            MeterRegistry meters, Clock clock, OncePerInterval safetyNetOnce) {
        this.mongo = mongo;
        this.kafka = kafka;
        this.config = properties.outbox();
        this.clock = clock;
        this.meters = meters;
        this.safetyNetOnce = safetyNetOnce;
        // A random owner per relay, so per process: a restarted instance does not inherit its former leases.
        this.leases = new OutboxLeases(mongo, UUID.randomUUID().toString(), config.lease(), clock);
        this.published = Counter.builder("knotless.outbox.published").description("events relayed to Kafka").register(meters);
        this.failures = Counter.builder("knotless.outbox.failures").description("relay passes that failed").register(meters);
        for (String collection : config.collections()) {
            Gauge.builder("knotless.outbox.pending", this, relay -> relay.pending(collection))
                    .tag("collection", collection)
                    .description("documents this instance knows to hold staged events (from its own queue, no query; "
                            + "the safety net adds what it did not hear about)")
                    .register(meters);
            Gauge.builder("knotless.outbox.oldest.age", this, relay -> relay.oldestAgeSeconds(collection))
                    .tag("collection", collection)
                    .baseUnit("seconds")
                    .description("age of the oldest staged event this instance knows of, 0 when none")
                    .register(meters);
        }
    }

    /**
     * Hands the relay a document that holds staged events: every save that stages one calls this
     * (through {@link OutboxWakeUpListener}); code that stages with a template update instead of a
     * save must call it after the update. Cheap, safe from any thread, and a document already
     * queued is not queued twice.
     *
     * @param stagedAt when its oldest staged event was staged, for the age gauge; null if unknown
     */
    public void staged(String collection, Object id, Instant stagedAt) {
        if (id == null) {
            // No key to look up: let the safety net find it soon rather than never.
            requestSafetyNet();
            return;
        }
        if (!config.collections().contains(collection) && warnedCollections.add(collection)) {
            log.warn("Collection {} stages outbox events but is not in knotless.messaging.outbox.collections: "
                    + "its events are relayed after a save, but the safety net does not look there", collection);
        }
        Instant when = stagedAt != null ? stagedAt : clock.instant();
        synchronized (lock) {
            queued.merge(new Staged(collection, id), when, OutboxRelay::earlier);
        }
        ring();
    }

    private void ring() {
        // One permit is enough to wake the thread, and it reads the queue, not the permits.
        if (doorbell.availablePermits() == 0) {
            doorbell.release();
        }
    }

    /** Asks the relay thread to run the safety net's scan on its next turn. */
    public void requestSafetyNet() {
        safetyNetRequested = true;
        ring();
    }

    /**
     * The safety net: queues every document of the configured collections that holds staged
     * events. The one scan of the relay, read through a cursor of {@code batchSize} documents.
     *
     * @return the documents it found
     */
    int sweep() {
        int found = 0;
        for (String collection : config.collections()) {
            try (MongoCursor<Document> cursor = mongo.getCollection(collection)
                    .find(Filters.exists(OutboxMessage.FIELD + ".0"))
                    .projection(Projections.include(OutboxMessage.FIELD))
                    .batchSize(config.batchSize())
                    .iterator()) {
                while (cursor.hasNext()) {
                    Document document = cursor.next();
                    Instant oldest = oldestStagedAt(document.getList(OutboxMessage.FIELD, Document.class, List.of()));
                    synchronized (lock) {
                        queued.merge(new Staged(collection, document.get("_id")), oldest != null ? oldest : clock.instant(),
                                OutboxRelay::earlier);
                    }
                    found++;
                }
            }
        }
        return found;
    }

    /**
     * Relays queued documents batch after batch until the queue is empty.
     *
     * @return the events published
     * @throws OutboxRelayException when a batch was not fully acknowledged or the store failed; what
     *     was not published is queued again, ahead of the rest
     */
    int drain() {
        int count = 0;
        while (!stopping) {
            retryDeferred();
            Map<Staged, Instant> batch = takeBatch();
            if (batch.isEmpty()) {
                break;
            }
            count += relay(batch);
        }
        return count;
    }

    /** Queues again the documents held elsewhere whose time to try again has come. */
    private void retryDeferred() {
        if (deferred.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        synchronized (lock) {
            var entries = deferred.entrySet().iterator();
            while (entries.hasNext()) {
                var entry = entries.next();
                if (!entry.getValue().retryAt().isAfter(now)) {
                    queued.merge(entry.getKey(), entry.getValue().stagedAt(), OutboxRelay::earlier);
                    entries.remove();
                }
            }
        }
    }

    /** The document is another instance's for now: try again after a back-off, no later than its lease ends. */
    private void defer(Staged document, Instant stagedAt, Instant leaseEnds) {
        Instant now = clock.instant();
        int attempts = contested.merge(document, 1, Integer::sum);
        Duration backoff = min(config.initialBackoff().multipliedBy(1L << Math.min(attempts - 1, 16)), config.maxBackoff());
        Instant retryAt = earlier(now.plus(backoff), leaseEnds);
        synchronized (lock) {
            Deferred before = deferred.get(document);
            deferred.put(document, new Deferred(earlier(stagedAt, before == null ? null : before.stagedAt()),
                    retryAt.isAfter(now) ? retryAt : now.plusMillis(10)));
        }
    }

    /** When the next document held elsewhere is to be tried again; null when none. */
    private Instant nextRetry() {
        synchronized (lock) {
            Instant next = null;
            for (Deferred waiting : deferred.values()) {
                next = earlier(next, waiting.retryAt());
            }
            return next;
        }
    }

    private Map<Staged, Instant> takeBatch() {
        synchronized (lock) {
            Map<Staged, Instant> batch = new LinkedHashMap<>();
            while (batch.size() < config.batchSize() && !queued.isEmpty()) {
                var first = queued.pollFirstEntry();
                batch.put(first.getKey(), first.getValue());
            }
            inFlight = batch;
            return batch;
        }
    }

    /** One event on its way: the outbox entry, the broker's answer to come (null: not sent), and how it ended. */
    private static final class Sent {
        final Document message;
        final String eventId;
        final Instant stagedAt;
        final CompletableFuture<?> ack;
        boolean acknowledged;
        /** Why Kafka refused it for good; null while it may still go out. */
        Throwable refusal;

        Sent(Document message, CompletableFuture<?> ack) {
            this.message = message;
            this.eventId = message.getString("eventId");
            this.stagedAt = stagedAt(message);
            this.ack = ack;
        }

        /** Done with: acknowledged, or set aside. */
        boolean settled() {
            return acknowledged || refusal != null;
        }
    }

    /** What a pass settled of a document: the events Kafka acknowledged, and whether none is left. */
    private record Settled(int acknowledged, boolean all) {
    }

    /**
     * Kafka's reason when it refuses this record for good, whatever the state of the cluster
     * (retrying it would fail the same way and hold up every event behind it); null otherwise.
     */
    static Throwable refusedForGood(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof RecordTooLargeException || cause instanceof RecordBatchTooLargeException
                    || cause instanceof InvalidTopicException || cause instanceof TopicAuthorizationException
                    || cause instanceof InvalidRecordException || cause instanceof SerializationException) {
                return cause;
            }
        }
        return null;
    }

    private int relay(Map<Staged, Instant> batch) {
        // Whatever is not known to be done goes back to the queue, even if this pass dies midway.
        Map<Staged, Instant> unfinished = new LinkedHashMap<>(batch);
        Set<Staged> held = Set.of();
        try {
            // Only what this instance holds: another may be sending the rest right now.
            OutboxLeases.Claim claim = leases.claim(batch.keySet());
            held = claim.held();
            for (var elsewhere : claim.heldElsewhere().entrySet()) {
                unfinished.remove(elsewhere.getKey());
                defer(elsewhere.getKey(), batch.get(elsewhere.getKey()), elsewhere.getValue());
            }
            held.forEach(contested::remove);
            synchronized (lock) {
                held.forEach(deferred::remove); // a save queued it again meanwhile, and this pass has it
            }
            Map<Staged, List<Document>> outboxes = load(held);

            // Send everything first (in queue order, each document's events in staged order), then
            // wait: the broker acknowledges a batch of records per request instead of one by one.
            Map<Staged, List<Sent>> sent = new LinkedHashMap<>();
            Throwable failure = null;
            for (Staged document : batch.keySet()) {
                if (!held.contains(document)) {
                    continue;
                }
                List<Sent> sends = new ArrayList<>();
                for (Document message : outboxes.getOrDefault(document, List.of())) {
                    CompletableFuture<?> ack = null;
                    Throwable refusal = null;
                    // After a failure the producer would refuse the rest too (no metadata, buffer full): do not block on each.
                    if (failure == null) {
                        try {
                            ack = kafka.send(message.getString("topic"), message.getString("key"), message.getString("envelope"));
                        } catch (RuntimeException e) {
                            refusal = refusedForGood(e);
                            if (refusal == null) {
                                failure = e;
                            }
                        }
                    }
                    Sent send = new Sent(message, ack);
                    send.refusal = refusal;
                    sends.add(send);
                }
                sent.put(document, sends);
            }

            long deadline = System.nanoTime() + config.sendTimeout().toNanos();
            for (List<Sent> sends : sent.values()) {
                for (Sent send : sends) {
                    if (send.ack == null) {
                        continue;
                    }
                    try {
                        send.ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                        send.acknowledged = true;
                    } catch (ExecutionException e) {
                        send.refusal = refusedForGood(e.getCause());
                        if (send.refusal == null) {
                            failure = failure != null ? failure : e.getCause();
                        }
                    } catch (TimeoutException e) {
                        failure = failure != null ? failure : e;
                    }
                }
            }

            // One bulk write per collection pulls what each document had acknowledged or set aside, by
            // eventId and not by position: the aggregate may have staged more meanwhile.
            Map<String, List<UpdateOneModel<Document>>> pulls = new LinkedHashMap<>();
            Map<String, List<Staged>> pulled = new LinkedHashMap<>();
            Map<Staged, Settled> settled = new HashMap<>();
            List<Document> setAside = new ArrayList<>();
            for (var entry : sent.entrySet()) {
                Staged document = entry.getKey();
                List<Sent> sends = entry.getValue();
                int prefix = 0;
                int acknowledged = 0;
                while (prefix < sends.size() && sends.get(prefix).settled()) {
                    Sent send = sends.get(prefix);
                    if (send.acknowledged) {
                        acknowledged++;
                    } else {
                        setAside.add(refusedRecord(document, send));
                    }
                    prefix++;
                }
                if (prefix > 0) {
                    List<String> eventIds = sends.subList(0, prefix).stream().map(send -> send.eventId).toList();
                    pulls.computeIfAbsent(document.collection(), c -> new ArrayList<>()).add(new UpdateOneModel<>(
                            Filters.eq("_id", document.id()),
                            Updates.pullByFilter(new Document(OutboxMessage.FIELD, new Document("eventId", new Document("$in", eventIds))))));
                    pulled.computeIfAbsent(document.collection(), c -> new ArrayList<>()).add(document);
                    settled.put(document, new Settled(acknowledged, prefix == sends.size()));
                }
                if (prefix < sends.size()) {
                    Instant firstLeft = sends.get(prefix).stagedAt; // what was older has just gone out
                    unfinished.put(document, firstLeft != null ? firstLeft : batch.get(document));
                } else if (prefix == 0) {
                    unfinished.remove(document); // nothing was staged any more
                }
            }
            // Set aside before the pull: a crash in between leaves the event staged, to be refused and set aside again.
            setAside(setAside);
            int count = 0;
            for (var entry : pulls.entrySet()) {
                mongo.getCollection(entry.getKey()).bulkWrite(entry.getValue(), new BulkWriteOptions().ordered(false));
                for (Staged document : pulled.get(entry.getKey())) {
                    Settled done = settled.get(document);
                    published.increment(done.acknowledged());
                    count += done.acknowledged();
                    if (done.all()) {
                        unfinished.remove(document);
                    }
                }
            }
            for (Document refused : setAside) {
                meters.counter("knotless.outbox.refused", "collection", refused.getString("collection")).increment();
                // Ids, topic and the broker's reason: never the event's contents.
                log.warn("Kafka refused event {} of {} {} for {} for good ({}); set aside in {}", refused.getString("_id"),
                        refused.getString("collection"), refused.get("documentId"), refused.getString("topic"),
                        refused.getString("reason"), REFUSED);
            }
            if (failure != null) {
                throw new OutboxRelayException("Kafka did not acknowledge every event of the batch", failure);
            }
            return count;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OutboxRelayException("interrupted while relaying", e);
        } finally {
            requeueFirst(unfinished);
            release(held);
        }
    }

    /** After the pull (a document let go before it could be sent again by another instance). */
    private void release(Set<Staged> held) {
        try {
            leases.release(held);
        } catch (RuntimeException e) {
            // They run out by themselves; until then this instance takes them again on its next pass, others wait.
            log.debug("Outbox leases not released, they run out in {}: {}", config.lease(), e.toString());
        }
    }

    private Document refusedRecord(Staged document, Sent send) {
        return new Document("_id", send.eventId)
                .append("collection", document.collection())
                .append("documentId", document.id())
                .append("topic", send.message.getString("topic"))
                .append("key", send.message.getString("key"))
                .append("envelope", send.message.getString("envelope"))
                .append("stagedAt", send.message.get("stagedAt"))
                .append("reason", send.refusal.getClass().getSimpleName() + ": " + send.refusal.getMessage())
                .append("refusedAt", Date.from(clock.instant()));
    }

    /** Inserts the refused events by eventId; one already there (an earlier pass that died before its pull) stays as it was. */
    private void setAside(List<Document> refused) {
        if (refused.isEmpty()) {
            return;
        }
        try {
            mongo.getCollection(REFUSED).insertMany(refused, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            if (e.getWriteConcernError() != null || e.getWriteErrors().stream()
                    .anyMatch(error -> ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY)) {
                throw e;
            }
        }
    }

    private Map<Staged, List<Document>> load(Collection<Staged> documents) throws InterruptedException {
        Map<String, List<Object>> idsByCollection = new LinkedHashMap<>();
        for (Staged document : documents) {
            idsByCollection.computeIfAbsent(document.collection(), c -> new ArrayList<>()).add(document.id());
        }
        Map<Staged, List<Document>> outboxes = new HashMap<>();
        for (var entry : idsByCollection.entrySet()) {
            for (Document document : mongo.getCollection(entry.getKey())
                    .find(Filters.in("_id", entry.getValue()))
                    .projection(Projections.include(OutboxMessage.FIELD))) {
                outboxes.put(new Staged(entry.getKey(), document.get("_id")),
                        document.getList(OutboxMessage.FIELD, Document.class, List.of()));
            }
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return outboxes;
    }

    private void requeueFirst(Map<Staged, Instant> unfinished) {
        List<Map.Entry<Staged, Instant>> entries = new ArrayList<>(unfinished.entrySet());
        synchronized (lock) {
            for (int i = entries.size() - 1; i >= 0; i--) {
                Staged document = entries.get(i).getKey();
                // A save during the pass may have queued it again: keep the earlier time, move it up.
                queued.putFirst(document, earlier(entries.get(i).getValue(), queued.get(document)));
            }
            inFlight = Map.of();
        }
    }

    /** Documents of the collection this instance knows to hold staged events. */
    double pending(String collection) {
        synchronized (lock) {
            int count = 0;
            for (Staged document : queued.keySet()) {
                if (document.collection().equals(collection)) {
                    count++;
                }
            }
            for (Staged document : inFlight.keySet()) {
                if (document.collection().equals(collection) && !queued.containsKey(document)) {
                    count++;
                }
            }
            for (Staged document : deferred.keySet()) {
                if (document.collection().equals(collection) && !queued.containsKey(document) && !inFlight.containsKey(document)) {
                    count++;
                }
            }
            return count;
        }
    }

    /** Seconds since the oldest staged event this instance knows of in the collection; 0 when none. */
    double oldestAgeSeconds(String collection) {
        Instant oldest = null;
        synchronized (lock) {
            for (var map : List.of(queued, inFlight)) {
                for (var entry : map.entrySet()) {
                    if (entry.getKey().collection().equals(collection)) {
                        oldest = earlier(oldest, entry.getValue());
                    }
                }
            }
            for (var entry : deferred.entrySet()) {
                if (entry.getKey().collection().equals(collection)) {
                    oldest = earlier(oldest, entry.getValue().stagedAt());
                }
            }
        }
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0);
    }

    /** The staging time of the oldest of these outbox entries (as stored: a Date), null when none. */
    static Instant oldestStagedAt(List<?> outbox) {
        Instant oldest = null;
        for (Object message : outbox) {
            if (message instanceof Document document) {
                oldest = earlier(oldest, stagedAt(document));
            }
        }
        return oldest;
    }

    private static Instant stagedAt(Document message) {
        return switch (message.get("stagedAt")) {
            case Date date -> date.toInstant();
            case Instant instant -> instant;
            case null, default -> null;
        };
    }

    private static Instant earlier(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }

    private void loop() {
        long nextSweep = System.nanoTime(); // the recovery pass comes first
        boolean recovered = false;
        Duration backoff = Duration.ZERO;
        while (running) {
            try {
                if (safetyNetRequested || System.nanoTime() - nextSweep >= 0) {
                    // Asked for, or the recovery pass: here and now. The periodic one: on one instance per interval.
                    boolean here = safetyNetRequested || !recovered || safetyNetOnce == null;
                    safetyNetRequested = false;
                    int[] found = {0};
                    if (here) {
                        found[0] = sweep();
                    } else {
                        safetyNetOnce.run(SAFETY_NET_JOB, config.safetyNetInterval(), () -> found[0] = sweep());
                    }
                    recovered = true;
                    nextSweep = System.nanoTime() + config.safetyNetInterval().toNanos();
                    if (found[0] > 0) {
                        log.info("Outbox safety net found {} document(s) with staged events", found[0]);
                    }
                }
                drain();
                backoff = Duration.ZERO;
                awaitWork(nextSweep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                failures.increment();
                backoff = backoff.isZero() ? config.initialBackoff() : min(backoff.multipliedBy(2), config.maxBackoff());
                // Messages of Kafka and the driver name topics and hosts, never a record's contents.
                log.warn("Outbox relay pass failed, next try in {} ms: {}{}", backoff.toMillis(), e.getMessage(),
                        e.getCause() != null ? " (" + e.getCause() + ")" : "");
                try {
                    // Not the doorbell: a save during the back-off queues its document and waits too.
                    TimeUnit.NANOSECONDS.sleep(backoff.toNanos());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Sleeps until a save rings, the safety net is asked for, its time comes, or a document held elsewhere is to be tried again. */
    private void awaitWork(long nextSweep) throws InterruptedException {
        long wait = nextSweep - System.nanoTime();
        Instant retry = nextRetry();
        if (retry != null) {
            wait = Math.min(wait, Math.max(1_000_000, Duration.between(clock.instant(), retry).toNanos()));
        }
        if (wait > 0 && !safetyNetRequested) {
            doorbell.tryAcquire(wait, TimeUnit.NANOSECONDS);
        }
        doorbell.drainPermits(); // the queue, not the permits, says what to do
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void start() {
        stopping = false;
        running = true;
        worker = Thread.ofPlatform().name("outbox-relay").daemon(true).start(this::loop);
    }

    @Override
    public void stop() {
        stopping = true;
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
