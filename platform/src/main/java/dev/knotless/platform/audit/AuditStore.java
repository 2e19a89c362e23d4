package dev.knotless.platform.audit;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.InsertManyOptions;
import dev.knotless.platform.audit.AuditWriter.Pending;
import dev.knotless.platform.audit.AuditWriter.Phase;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import com.mongodb.MongoException;
import com.mongodb.MongoServerException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import dev.knotless.platform.security.StaffMember;
import dev.knotless.platform.web.ProblemException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.http.HttpStatus;

/**
 * The audit records, insert only, and their lookup by key.
 *
 * <p>Each request gets a number in its bucket, the clinic whose data it touched and the hour
 * ({@code audit_sequences/<clinic>|<hour>}), once. Its records are {@code audit/<clinic>|<hour>|<n>|a}
 * (the attempt, stored before the data is read out or written) and {@code ...|o} (the outcome with
 * the status, once the response is known). Records are written by group commit ({@link AuditWriter}):
 * a batch numbers its requests with one atomic {@code $inc} per bucket and stores its records with
 * one insert, so the cost per request falls as the load rises. A retried insert finds its id taken
 * and is a no-op, so nothing is recorded twice. Reading a clinic's trail
 * enumerates those ids from the hours' counters: every read is by {@code _id}, and what it costs
 * grows with the clinic's records in the range asked, never with the store.
 */
public class AuditStore implements AutoCloseable {

    static final String RECORDS = "audit";
    static final String SEQUENCES = "audit_sequences";
    /** Bucket of requests that reached nobody's data: no token, an operator, an unknown id of an unknown clinic. */
    static final String NO_CLINIC = "_none";

    private static final Logger log = LoggerFactory.getLogger(AuditStore.class);
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);
    /** Hours whose counters one query reads at a time, and how many of those a page reads at most. */
    private static final int WINDOW_HOURS = 168;
    private static final int WINDOWS_PER_PAGE = 8;
    /** Requests whose records one {@code $in} reads, and how many one page examines at most. */
    private static final int CHUNK = 100;
    private static final int EXAMINED_PER_PAGE = 2_000;
    /** Group commit: records one batch writes at most, requests that may wait, and how long a request waits for its batch. */
    private static final int BATCH_SIZE = 500;
    private static final int QUEUE_CAPACITY = 20_000;
    private static final Duration ENQUEUE_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    private final MongoTemplate mongo;
    private final Clock clock;
    private final Period retention;
    private final String service;
    private final AuditWriter writer;

    public AuditStore(MongoTemplate mongo, Clock clock, Period retention, String service) {
        this.mongo = mongo;
        this.clock = clock;
        this.retention = retention;
        this.service = service;
        this.writer = new AuditWriter(QUEUE_CAPACITY, BATCH_SIZE, ENQUEUE_TIMEOUT, this::writeBatch);
    }

    /**
     * Retention by MongoDB's TTL monitor on {@code expiresAt}. mongo-java-server accepts the index and
     * never expires anything (it keeps non-unique indexes empty), and nothing here scans instead.
     */
    void createIndexes() {
        for (String collection : List.of(RECORDS, SEQUENCES)) {
            try {
                mongo.getCollection(collection).createIndex(Indexes.ascending("expiresAt"),
                        new IndexOptions().name("expiresAt_ttl").expireAfter(0L, TimeUnit.SECONDS));
            } catch (MongoException e) {
                log.error("No retention index on {}: records will not expire ({})", collection, e.getMessage());
            }
        }
    }

    /**
     * The attempt record: written before the service reads out or writes patient data. Waits for
     * its batch; a 503 problem when it cannot be stored (fail closed).
     */
    void recordAttempt(AuditContext context) {
        var pending = new Pending(context, Phase.ATTEMPT, clock.instant(), 0, new CompletableFuture<>());
        if (!writer.submit(pending)) {
            throw unavailable(new IllegalStateException("the audit writer's queue is full"));
        }
        try {
            pending.written().get(ATTEMPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(new IllegalStateException("interrupted"));
        } catch (ExecutionException e) {
            throw e.getCause() instanceof ProblemException problem ? problem : unavailable(new IllegalStateException(e.getCause()));
        } catch (TimeoutException e) {
            throw unavailable(new IllegalStateException("no audit batch written within " + ATTEMPT_TIMEOUT));
        }
        context.attemptRecorded = true;
    }

    /**
     * The outcome record with the response's status, written with a later batch: the answer does
     * not wait for it. Lost only if the process dies before that batch (the attempt, where there
     * was an access, is stored by then).
     */
    void recordOutcome(AuditContext context, int status) {
        var pending = new Pending(context, Phase.OUTCOME, clock.instant(), status, new CompletableFuture<>());
        pending.written().whenComplete((written, failure) -> {
            if (failure != null) {
                log.warn("The outcome of request {} could not be recorded: {}", context.requestId, failure.toString());
            }
        });
        if (!writer.submit(pending)) {
            log.warn("The outcome of request {} could not be queued for the audit trail", context.requestId);
        }
    }

    /** Waits until the records of requests answered before the call are stored: a reader of the trail sees them. */
    public void flush() {
        writer.flush(ATTEMPT_TIMEOUT);
    }

    @Override
    public void close() {
        writer.close();
    }

    /**
     * Writes one batch (on the writer's thread): one {@code $inc} per clinic and hour numbers the
     * requests not yet numbered, one unordered insert stores every record. Completes each item's
     * future, with a 503 problem where its record could not be stored.
     */
    private void writeBatch(List<Pending> batch) {
        Map<Bucket, List<Pending>> unnumbered = new LinkedHashMap<>();
        for (Pending pending : batch) {
            if (!pending.context().numbered()) {
                unnumbered.computeIfAbsent(new Bucket(bucketOf(pending.context()), HOUR.format(pending.at())), b -> new ArrayList<>())
                        .add(pending);
            }
        }
        unnumbered.forEach((bucket, requests) -> {
            try {
                long seq = increment(bucket.id(), requests.size(), expiry(requests.getFirst().at())) - requests.size();
                for (Pending pending : requests) {
                    AuditContext context = pending.context();
                    context.at = pending.at();
                    context.bucket = bucket.clinic();
                    context.hour = bucket.hour();
                    context.seq = ++seq;
                }
            } catch (ProblemException e) {
                requests.forEach(pending -> pending.written().completeExceptionally(e));
            }
        });
        List<Pending> writable = batch.stream().filter(pending -> !pending.written().isDone()).toList();
        if (writable.isEmpty()) {
            return;
        }
        List<Document> records = writable.stream().map(this::record).toList();
        try {
            mongo.getCollection(RECORDS).insertMany(records, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            if (e.getWriteConcernError() != null) {
                writable.forEach(pending -> pending.written().completeExceptionally(unavailable(e)));
                return;
            }
            for (BulkWriteError error : e.getWriteErrors()) {
                Document record = records.get(error.getIndex());
                // The same record from a retried insert is there once; another request's under this id (a counter lost) is not ours.
                if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY || !sameRequest(record)) {
                    writable.get(error.getIndex()).written().completeExceptionally(unavailable(e));
                }
            }
        } catch (RuntimeException e) {
            writable.forEach(pending -> pending.written().completeExceptionally(unavailable(e)));
            return;
        }
        writable.forEach(pending -> pending.written().complete(null));
    }

    private record Bucket(String clinic, String hour) {
        String id() {
            return clinic + "|" + hour;
        }
    }

    /** Adds {@code count} to the bucket's counter; the counter after it. */
    private long increment(String id, int count, Date expiresAt) {
        var update = Updates.combine(Updates.inc("n", (long) count), Updates.setOnInsert("expiresAt", expiresAt));
        var options = new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER);
        MongoCollection<Document> sequences = mongo.getCollection(SEQUENCES);
        for (int attempt = 1; ; attempt++) {
            try {
                return sequences.findOneAndUpdate(Filters.eq("_id", id), update, options).get("n", Number.class).longValue();
            } catch (MongoServerException e) {
                // Two first requests of an hour upserting at once: the second finds the counter on a retry.
                if (attempt < 3 && ErrorCategory.fromErrorCode(e.getCode()) == ErrorCategory.DUPLICATE_KEY) {
                    continue;
                }
                throw unavailable(e);
            } catch (RuntimeException e) {
                throw unavailable(e);
            }
        }
    }

    /** Whether the record already under this id is this request's; another's (a counter lost) must not pass for it. */
    private boolean sameRequest(Document record) {
        try {
            Document stored = mongo.getCollection(RECORDS).find(Filters.eq("_id", record.get("_id"))).first();
            return stored != null && record.getString("request").equals(stored.getString("request"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private Document record(Pending pending) {
        AuditContext context = pending.context();
        return pending.phase() == Phase.ATTEMPT
                ? record(context, "a", context.at).append("phase", "ATTEMPT")
                : record(context, "o", pending.at()).append("phase", "OUTCOME").append("status", pending.status());
    }

    private Document record(AuditContext context, String phase, Instant at) {
        StaffMember staff = context.staff;
        var record = new Document("_id", context.bucket + "|" + context.hour + "|" + context.seq + "|" + phase)
                .append("clinicId", context.bucket)
                .append("hour", context.hour)
                .append("seq", context.seq)
                .append("request", context.requestKey)
                .append("requestId", context.requestId)
                .append("at", Date.from(at))
                .append("service", service)
                .append("clientAddress", context.clientAddress)
                .append("method", context.method)
                .append("path", context.path)
                .append("expiresAt", expiry(context.at));
        if (staff != null) {
            record.append("subject", staff.subject()).append("role", staff.role().name()).append("actorClinicId", staff.clinicId());
        }
        putIfSet(record, "followUpId", context.followUpId);
        putIfSet(record, "action", context.action == null ? null : context.action.name());
        putIfSet(record, "resourceType", context.resourceType);
        putIfSet(record, "resourceId", context.resourceId);
        putIfSet(record, "patientId", context.patientId);
        return record;
    }

    private static void putIfSet(Document record, String key, Object value) {
        if (value != null) {
            record.append(key, value);
        }
    }

    private static String bucketOf(AuditContext context) {
        if (context.ownerClinic != null) {
            return context.ownerClinic;
        }
        if (context.staff != null && context.staff.clinicId() != null) {
            return context.staff.clinicId();
        }
        return NO_CLINIC;
    }

    private Date expiry(Instant at) {
        return Date.from(LocalDateTime.ofInstant(at, ZoneOffset.UTC).plus(retention).toInstant(ZoneOffset.UTC));
    }

    private static ProblemException unavailable(RuntimeException cause) {
        log.error("The audit trail cannot be written; the request is refused: {}", cause.toString());
        return new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "audit-unavailable", "Service unavailable",
                "The access could not be recorded, so it was not carried out; try again shortly");
    }

    // --- reading -------------------------------------------------------------------------------

    /** A page of {@code clinicId}'s records in [from, to), optionally of one patient; see {@link AuditPage}. */
    AuditPage page(String clinicId, String patientId, Instant from, Instant to, int limit, String cursor) {
        Instant last = to.minusNanos(1).truncatedTo(ChronoUnit.HOURS);
        Instant hour = from.truncatedTo(ChronoUnit.HOURS);
        long after = 0;
        if (cursor != null) {
            Position position = Position.decode(cursor);
            hour = position.hour();
            after = position.seq();
        }
        List<Numbered> found = new ArrayList<>();
        long examined = 0;
        for (int window = 0; window < WINDOWS_PER_PAGE && !hour.isAfter(last); window++) {
            List<Instant> hours = new ArrayList<>();
            for (Instant h = hour; !h.isAfter(last) && hours.size() < WINDOW_HOURS; h = h.plus(1, ChronoUnit.HOURS)) {
                hours.add(h);
            }
            Map<String, Long> counters = counters(clinicId, hours);
            for (Instant h : hours) {
                long n = counters.getOrDefault(HOUR.format(h), 0L);
                for (long start = after + 1; start <= n; start += CHUNK) {
                    long end = Math.min(n, start + CHUNK - 1);
                    Map<Long, List<Document>> bySeq = records(clinicId, HOUR.format(h), start, end);
                    for (long seq = start; seq <= end; seq++) {
                        examined++;
                        AuditEntry entry = merge(bySeq.get(seq));
                        if (entry != null && within(entry, from, to) && (patientId == null || patientId.equals(entry.patientId()))) {
                            found.add(new Numbered(entry, seq));
                        }
                        boolean more = seq < n || h.isBefore(last);
                        if (more && (found.size() >= limit || examined >= EXAMINED_PER_PAGE)) {
                            return page(clinicId, from, to, found, seq < n ? new Position(h, seq) : new Position(h.plus(1, ChronoUnit.HOURS), 0));
                        }
                    }
                }
                after = 0;
            }
            hour = hours.getLast().plus(1, ChronoUnit.HOURS);
        }
        return page(clinicId, from, to, found, hour.isAfter(last) ? null : new Position(hour, 0));
    }

    private static AuditPage page(String clinicId, Instant from, Instant to, List<Numbered> found, Position next) {
        List<AuditEntry> records = found.stream()
                .sorted(Comparator.comparing((Numbered numbered) -> numbered.entry().at()))
                .map(Numbered::entry)
                .toList();
        return new AuditPage(clinicId, from, to, records, next == null ? null : next.encode());
    }

    private Map<String, Long> counters(String clinicId, List<Instant> hours) {
        List<String> ids = hours.stream().map(h -> clinicId + "|" + HOUR.format(h)).toList();
        Map<String, Long> counters = new HashMap<>();
        for (Document counter : mongo.getCollection(SEQUENCES).find(Filters.in("_id", ids))) {
            String id = counter.getString("_id");
            counters.put(id.substring(id.indexOf('|') + 1), counter.get("n", Number.class).longValue());
        }
        return counters;
    }

    private Map<Long, List<Document>> records(String clinicId, String hour, long start, long end) {
        List<String> ids = new ArrayList<>();
        for (long seq = start; seq <= end; seq++) {
            String prefix = clinicId + "|" + hour + "|" + seq + "|";
            ids.add(prefix + "a");
            ids.add(prefix + "o");
        }
        Map<Long, List<Document>> bySeq = new HashMap<>();
        for (Document record : mongo.getCollection(RECORDS).find(Filters.in("_id", ids))) {
            bySeq.computeIfAbsent(record.get("seq", Number.class).longValue(), seq -> new ArrayList<>()).add(record);
        }
        return bySeq;
    }

    /** One entry of a request's attempt and outcome: the attempt's time, the outcome's status. */
    private static AuditEntry merge(List<Document> records) {
        if (records == null || records.isEmpty()) {
            return null; // numbered, but its first record was never written
        }
        Document attempt = null;
        Document outcome = null;
        for (Document record : records) {
            if ("ATTEMPT".equals(record.getString("phase"))) {
                attempt = record;
            } else {
                outcome = record;
            }
        }
        Document who = attempt != null ? attempt : outcome;
        Document what = outcome != null && outcome.containsKey("action") ? outcome : who;
        return new AuditEntry(who.getString("requestId"), who.getDate("at").toInstant(), who.getString("service"),
                who.getString("subject"), who.getString("role"), who.getString("actorClinicId"), what.getString("followUpId"),
                what.getString("action"), what.getString("resourceType"), what.getString("resourceId"), what.getString("patientId"),
                who.getString("clinicId"), who.getString("clientAddress"), who.getString("method"), who.getString("path"),
                outcome == null ? null : outcome.getInteger("status"));
    }

    private static boolean within(AuditEntry entry, Instant from, Instant to) {
        return !entry.at().isBefore(from) && entry.at().isBefore(to);
    }

    private record Numbered(AuditEntry entry, long seq) {
    }

    /** Where the next page starts: after request {@code seq} of {@code hour}. Opaque to clients. */
    record Position(Instant hour, long seq) {

        String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((HOUR.format(hour) + "|" + seq).getBytes(StandardCharsets.UTF_8));
        }

        static Position decode(String cursor) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
                Instant hour = LocalDateTime.parse(parts[0] + ":00").toInstant(ZoneOffset.UTC);
                long seq = Long.parseLong(parts[1]);
                if (parts.length != 2 || seq < 0) {
                    throw new IllegalArgumentException();
                }
                return new Position(hour, seq);
            } catch (RuntimeException e) {
                throw ProblemException.invalidField("cursor", "must be the next value of a previous page");
            }
        }
    }
}
