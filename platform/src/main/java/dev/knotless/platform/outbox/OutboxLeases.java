package dev.knotless.platform.outbox;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Updates;
import dev.knotless.platform.outbox.OutboxRelay.Staged;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * Which relay sends a document's staged events now, so that two instances never send the same
 * events at once (and so never interleave one document's events). A lease is a small document of
 * its own in {@value #COLLECTION}, {@code _id} = collection and document id, with the owner (a
 * random id per relay, so per process) and until when it holds.
 *
 * <p>Not a field of the aggregate's document: the services save their aggregates whole (a replace),
 * which would drop a lease written into them, exactly when the save's wake-up sends another
 * instance to the same document.
 *
 * <p>By key and batched, never per document: {@link #claim} inserts a batch's leases in one
 * unordered insert; only those already there (another relay's, or an expired one) cost a
 * conditional update ({@code _id $in} and no live lease but ours) and a read back, both by key.
 * {@link #release} deletes the batch's leases that are still ours in one delete by {@code _id $in}.
 */
final class OutboxLeases {

    /** Where the leases are, in each service's own database. */
    static final String COLLECTION = "outbox_leases";

    private final MongoTemplate mongo;
    private final String owner;
    private final Duration length;
    private final Clock clock;

    OutboxLeases(MongoTemplate mongo, String owner, Duration length, Clock clock) {
        this.mongo = mongo;
        this.owner = owner;
        this.length = length;
        this.clock = clock;
    }

    /**
     * What a claim got: the documents this relay holds until {@code until}, and those another relay
     * holds, each with the end of its lease.
     */
    record Claim(Set<Staged> held, Map<Staged, Instant> heldElsewhere) {
    }

    static String idOf(Staged document) {
        return document.collection() + "/" + document.id();
    }

    Claim claim(Collection<Staged> documents) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Date until = Date.from(now.plus(length));
        Map<String, Staged> byId = new LinkedHashMap<>();
        List<Document> leases = new ArrayList<>();
        for (Staged document : documents) {
            String id = idOf(document);
            if (byId.putIfAbsent(id, document) == null) {
                leases.add(new Document("_id", id).append("owner", owner).append("until", until));
            }
        }
        Set<Staged> held = new LinkedHashSet<>(byId.values());
        Map<Staged, Instant> heldElsewhere = new HashMap<>();
        if (leases.isEmpty()) {
            return new Claim(held, heldElsewhere);
        }
        List<String> contested = new ArrayList<>();
        try {
            leases().insertMany(leases, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            if (e.getWriteConcernError() != null) {
                throw e;
            }
            for (var error : e.getWriteErrors()) {
                if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
                contested.add(leases.get(error.getIndex()).getString("_id"));
            }
        }
        if (contested.isEmpty()) {
            return new Claim(held, heldElsewhere);
        }
        // A lease is already there: take it over where it has run out (its relay died or overran) or is ours.
        leases().updateMany(
                Filters.and(Filters.in("_id", contested),
                        Filters.or(Filters.lte("until", Date.from(now)), Filters.eq("owner", owner))),
                Updates.combine(Updates.set("owner", owner), Updates.set("until", until)));
        contested.forEach(id -> held.remove(byId.get(id)));
        Set<String> unseen = new LinkedHashSet<>(contested);
        for (Document lease : leases().find(Filters.in("_id", contested))) {
            String id = lease.getString("_id");
            unseen.remove(id);
            if (owner.equals(lease.getString("owner")) && until.equals(lease.getDate("until"))) {
                held.add(byId.get(id));
            } else {
                heldElsewhere.put(byId.get(id), lease.getDate("until").toInstant());
            }
        }
        // Released between our insert and our read: free now, the next turn takes it.
        unseen.forEach(id -> heldElsewhere.put(byId.get(id), now));
        return new Claim(held, heldElsewhere);
    }

    /** Lets go of these documents' leases, those still ours: one that ran out may be another relay's now. */
    void release(Collection<Staged> documents) {
        if (documents.isEmpty()) {
            return;
        }
        leases().deleteMany(Filters.and(Filters.in("_id", documents.stream().map(OutboxLeases::idOf).toList()),
                Filters.eq("owner", owner)));
    }

    String owner() {
        return owner;
    }

    private MongoCollection<Document> leases() {
        return mongo.getCollection(COLLECTION);
    }
}
