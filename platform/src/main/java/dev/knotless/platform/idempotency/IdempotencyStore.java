package dev.knotless.platform.idempotency;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import dev.knotless.platform.audit.AuditAction;
import dev.knotless.platform.audit.AuditedAccess;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * The keys of one service in its own database ({@code idempotency_keys}), every access by {@code _id}
 * (the embedded store serves nothing else efficiently). {@code _id} is the SHA-256 of the scope (the
 * acting person, or the path of an anonymous request) and the key: neither the key nor a survey
 * token in a path is stored as sent.
 *
 * <p>A request claims its key by inserting an in-progress document; a duplicate key means another
 * request holds or held it, and that document decides ({@link KeyRecord#judge}). Completing and
 * releasing are conditional on the claim's own id, so a request whose claim was taken over (it ran
 * past its lease) changes nothing.
 */
public class IdempotencyStore {

    static final String COLLECTION = "idempotency_keys";
    private static final Logger log = LoggerFactory.getLogger(IdempotencyStore.class);
    /** Races lost in a row (the document vanished or was taken over between our reads) before giving up with a 409. */
    private static final int CLAIM_ATTEMPTS = 3;

    private final MongoTemplate mongo;
    private final Clock clock;
    private final Duration retention;
    private final Duration lease;

    public IdempotencyStore(MongoTemplate mongo, Clock clock, Duration retention, Duration lease) {
        this.mongo = mongo;
        this.clock = clock;
        this.retention = retention;
        this.lease = lease;
    }

    /** What a request with a key may do. */
    sealed interface Claim {
    }

    /** The request holds the key under {@code claim} and runs. */
    record Claimed(String claim) implements Claim {
    }

    /** The key is held by a request that has not answered yet. */
    record InProgress() implements Claim {
    }

    /** The key was used for another request (method, path or body). */
    record Reused() implements Claim {
    }

    /** The key's request answered this. */
    record Replay(StoredResponse response) implements Claim {
    }

    /**
     * Retention by MongoDB's TTL monitor on {@code expiresAt}. mongo-java-server accepts the index and
     * expires nothing, so {@link #purgeExpired} removes old keys there.
     */
    void createIndexes() {
        try {
            collection().createIndex(Indexes.ascending("expiresAt"), new IndexOptions().name("expiresAt_ttl").expireAfter(0L, TimeUnit.SECONDS));
        } catch (MongoException e) {
            log.error("No retention index on {}: only the scheduled purge removes old keys ({})", COLLECTION, e.getMessage());
        }
    }

    static String id(String scope, String key) {
        return sha256(scope + "\n" + key);
    }

    static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Claims the key {@code id} for a request with this fingerprint, or says why not. Store failures are thrown. */
    Claim claim(String id, String fingerprint) {
        for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            String claim = UUID.randomUUID().toString();
            Document claimed = new Document("_id", id)
                    .append("fingerprint", fingerprint)
                    .append("state", "IN_PROGRESS")
                    .append("claim", claim)
                    .append("claimedAt", Date.from(now))
                    .append("leaseUntil", Date.from(now.plus(lease)))
                    .append("expiresAt", Date.from(now.plus(retention)));
            try {
                collection().insertOne(claimed);
                return new Claimed(claim);
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
            }
            Document found = collection().find(Filters.eq("_id", id)).first();
            if (found == null) {
                continue; // released or purged between the insert and the read
            }
            KeyRecord record = new KeyRecord(found.getString("claim"), found.getString("fingerprint"),
                    "IN_PROGRESS".equals(found.getString("state")), instant(found, "leaseUntil"), instant(found, "expiresAt"));
            switch (record.judge(fingerprint, now)) {
                case REUSED -> {
                    return new Reused();
                }
                case IN_PROGRESS -> {
                    return new InProgress();
                }
                case REPLAY -> {
                    return new Replay(response(found));
                }
                case TAKE_OVER -> {
                    // Only from the claim that was read: two requests taking over at once, one wins.
                    if (collection().replaceOne(ours(id, record.claim()), claimed).getMatchedCount() == 1) {
                        return new Claimed(claim);
                    }
                }
            }
        }
        return new InProgress();
    }

    /** Stores the answer of the request that holds {@code claim}; false if the claim was taken over meanwhile. */
    boolean complete(String id, String claim, StoredResponse response) {
        var headers = new Document();
        response.headers().forEach(headers::append);
        var stored = new Document("status", response.status()).append("headers", headers).append("body", new Binary(response.body()));
        if (response.access() != null) {
            stored.append("access", access(response.access()));
        }
        return collection().updateOne(ours(id, claim), Updates.combine(
                Updates.set("state", "COMPLETED"),
                Updates.set("response", stored),
                Updates.set("completedAt", Date.from(clock.instant())),
                Updates.unset("leaseUntil"))).getMatchedCount() == 1;
    }

    /** Gives the key up (the request failed on our side): the next request with it runs. */
    void release(String id, String claim) {
        collection().deleteOne(ours(id, claim));
    }

    /**
     * Removes the keys past their retention; the number removed. MongoDB's TTL index does this on its
     * own; on the embedded store, which ignores TTL (and non-unique indexes), this reads the whole
     * collection, so it runs on a schedule, never on a request's path.
     */
    long purgeExpired() {
        return collection().deleteMany(Filters.lte("expiresAt", Date.from(clock.instant()))).getDeletedCount();
    }

    private static Bson ours(String id, String claim) {
        return Filters.and(Filters.eq("_id", id), Filters.eq("claim", claim));
    }

    private MongoCollection<Document> collection() {
        return mongo.getCollection(COLLECTION);
    }

    private static Instant instant(Document document, String field) {
        Date date = document.getDate(field);
        return date == null ? Instant.MIN : date.toInstant();
    }

    private static StoredResponse response(Document found) {
        Document stored = found.get("response", Document.class);
        Map<String, String> headers = new LinkedHashMap<>();
        stored.get("headers", Document.class).forEach((name, value) -> headers.put(name, value.toString()));
        Document access = stored.get("access", Document.class);
        Object body = stored.get("body");
        return new StoredResponse(stored.getInteger("status"), headers, body instanceof Binary binary ? binary.getData() : (byte[]) body,
                access == null ? null : access(access));
    }

    private static Document access(AuditedAccess access) {
        var document = new Document();
        putIfSet(document, "action", access.action() == null ? null : access.action().name());
        putIfSet(document, "resourceType", access.resourceType());
        putIfSet(document, "resourceId", access.resourceId());
        putIfSet(document, "patientId", access.patientId());
        putIfSet(document, "ownerClinic", access.ownerClinic());
        putIfSet(document, "followUpId", access.followUpId());
        return document;
    }

    private static AuditedAccess access(Document document) {
        String action = document.getString("action");
        return new AuditedAccess(action == null ? null : AuditAction.valueOf(action), document.getString("resourceType"),
                document.getString("resourceId"), document.getString("patientId"), document.getString("ownerClinic"),
                document.getString("followUpId"));
    }

    private static void putIfSet(Document document, String key, String value) {
        if (value != null) {
            document.append(key, value);
        }
    }
}
