package dev.knotless.platform.audit;

import com.mongodb.ErrorCategory;
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
 * ({@code audit_sequences/<clinic>|<hour>}, one atomic {@code $inc}), once. Its records are
 * {@code audit/<clinic>|<hour>|<n>|a} (the attempt, written before the data is read out or written)
 * and {@code ...|o} (the outcome with the status, written when the response is known). A retried
 * insert finds its id taken and is a no-op, so nothing is recorded twice. Reading a clinic's trail
 * enumerates those ids from the hours' counters: every read is by {@code _id}, and what it costs
 * grows with the clinic's records in the range asked, never with the store.
 */
public class AuditStore {

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

    private final MongoTemplate mongo;
    private final Clock clock;
    private final Period retention;
    private final String service;

    public AuditStore(MongoTemplate mongo, Clock clock, Period retention, String service) {
        this.mongo = mongo;
        this.clock = clock;
        this.retention = retention;
        this.service = service;
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

    /** The attempt record: written before the service reads out or writes patient data. */
    void recordAttempt(AuditContext context) {
        number(context);
        insert(record(context, "a", context.at).append("phase", "ATTEMPT"));
        context.attemptRecorded = true;
    }

    /** The outcome record with the response's status. */
    void recordOutcome(AuditContext context, int status) {
        number(context);
        insert(record(context, "o", clock.instant()).append("phase", "OUTCOME").append("status", status));
    }

    private void number(AuditContext context) {
        if (context.numbered()) {
            return;
        }
        Instant at = clock.instant();
        String bucket = bucketOf(context);
        String hour = HOUR.format(at);
        Document counter = increment(bucket + "|" + hour, expiry(at));
        context.at = at;
        context.bucket = bucket;
        context.hour = hour;
        context.seq = counter.get("n", Number.class).longValue();
    }

    private Document increment(String id, Date expiresAt) {
        var update = Updates.combine(Updates.inc("n", 1L), Updates.setOnInsert("expiresAt", expiresAt));
        var options = new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER);
        MongoCollection<Document> sequences = mongo.getCollection(SEQUENCES);
        for (int attempt = 1; ; attempt++) {
            try {
                return sequences.findOneAndUpdate(Filters.eq("_id", id), update, options);
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

    private void insert(Document record) {
        try {
            mongo.getCollection(RECORDS).insertOne(record);
        } catch (MongoServerException e) {
            if (ErrorCategory.fromErrorCode(e.getCode()) != ErrorCategory.DUPLICATE_KEY || !sameRequest(record)) {
                throw unavailable(e);
            }
            // The same record from a retried insert: it is there once.
        } catch (RuntimeException e) {
            throw unavailable(e);
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
