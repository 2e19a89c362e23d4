package dev.knotless.outcomes.followup;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.bson.Document;
import org.springframework.data.mongodb.core.BulkOperations.BulkMode;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * When follow-ups open and close, kept by key so the sweep never queries by status or time.
 *
 * <p>Collection {@code followUpSchedule}: one document per second in which some window opens or
 * closes, {@code _id} the second as an ISO instant ({@code 2026-12-01T23:10:05Z}, so ids sort by
 * time), {@code followUpIds} the follow-ups with a transition in it. A second, not a minute: each
 * {@code $addToSet} rewrites the whole bucket (the embedded store serialises the document, MongoDB
 * scans the array), so a bucket must stay small even when sessions arrive by the hundred per
 * second; the sweep pays for it with a few more ids in one {@code $in}.
 *
 * <p>Collection {@code followUpSweep}, document {@code _id: "progress"}: {@code sweptThrough}, the
 * last bucket whose every follow-up has the status of its time. A pass reads the buckets after it
 * up to the present by {@code _id}, so its cost follows elapsed time and the rate of sessions,
 * never the number of follow-ups stored. Only a missing progress document (a store older than the
 * schedule, or an empty one) costs one scan: {@link #catchUp} schedules the unfinished follow-ups
 * once.
 */
@Component
public class FollowUpSchedule {

    static final String COLLECTION = "followUpSchedule";
    static final String PROGRESS_COLLECTION = "followUpSweep";
    static final String IDS = "followUpIds";
    private static final String PROGRESS_ID = "progress";
    private static final String SWEPT_THROUGH = "sweptThrough";
    static final Duration BUCKET = Duration.ofSeconds(1);

    private final MongoTemplate mongo;

    FollowUpSchedule(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** The bucket (second) holding {@code instant}. */
    static Instant bucketOf(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS);
    }

    static String idOf(Instant bucket) {
        return bucketOf(bucket).toString();
    }

    /**
     * Adds the transitions of these follow-ups that are later than {@code now} (earlier ones are
     * already in the status the follow-up is created with). Idempotent upserts in one round trip;
     * called before the follow-ups are inserted, so a follow-up is never missing from it (an id
     * whose insert then failed is harmless: the sweep skips ids it does not find).
     */
    void add(List<FollowUp> followUps, Instant now) {
        Map<String, Set<String>> byBucket = new TreeMap<>();
        for (FollowUp followUp : followUps) {
            for (Instant transition : List.of(followUp.opensAt(), followUp.closesAt())) {
                if (transition.isAfter(now)) {
                    byBucket.computeIfAbsent(idOf(transition), b -> new LinkedHashSet<>()).add(followUp.id().toString());
                }
            }
        }
        addAll(byBucket);
    }

    private void addAll(Map<String, Set<String>> byBucket) {
        if (byBucket.isEmpty()) {
            return;
        }
        var bulk = mongo.bulkOps(BulkMode.UNORDERED, COLLECTION);
        byBucket.forEach((bucket, ids) -> bulk.upsert(Query.query(Criteria.where("_id").is(bucket)),
                new Update().addToSet(IDS).each(ids.toArray())));
        bulk.execute();
    }

    /** The buckets among {@code bucketIds} that exist, in time order; read by {@code _id $in}. */
    List<Bucket> read(List<String> bucketIds) {
        var found = mongo.find(Query.query(Criteria.where("_id").in(bucketIds)), Document.class, COLLECTION);
        return found.stream()
                .map(document -> new Bucket(document.getString("_id"), document.getList(IDS, String.class, List.of())))
                .sorted((a, b) -> Instant.parse(a.id()).compareTo(Instant.parse(b.id())))
                .toList();
    }

    /** Drops buckets the sweep is done with; by {@code _id $in}, so it never grows with the store. */
    void forget(List<String> bucketIds) {
        if (!bucketIds.isEmpty()) {
            mongo.remove(Query.query(Criteria.where("_id").in(bucketIds)), COLLECTION);
        }
    }

    /** The last bucket fully swept, if a sweep ever ran on this store. */
    Optional<Instant> sweptThrough() {
        var progress = mongo.findById(PROGRESS_ID, Document.class, PROGRESS_COLLECTION);
        return Optional.ofNullable(progress).map(document -> document.getDate(SWEPT_THROUGH)).map(Date::toInstant);
    }

    /** Moves the progress forward only ({@code $max}): a slower second instance cannot move it back. */
    void recordSweptThrough(Instant bucket) {
        mongo.upsert(Query.query(Criteria.where("_id").is(PROGRESS_ID)), new Update().max(SWEPT_THROUGH, Date.from(bucket)),
                PROGRESS_COLLECTION);
    }

    /**
     * For a store without progress: puts every unfinished follow-up's remaining transitions in the
     * schedule (one scan, once in the store's life) and starts the progress just before the oldest
     * of them, so the sweep catches up in time order, page by page. {@code $min}: if two instances
     * catch up at once, the earlier start wins and the overlap is swept twice, harmlessly.
     */
    Instant catchUp(Instant start) {
        Instant oldest = start;
        Map<String, Set<String>> byBucket = new TreeMap<>();
        var unfinished = mongo.getCollection(FollowUp.COLLECTION)
                .find(Filters.in("status", FollowUpStatus.SCHEDULED.name(), FollowUpStatus.OPEN.name()))
                .projection(Projections.include("status", "opensAt", "closesAt"))
                .sort(Sorts.ascending("_id"));
        for (Document followUp : unfinished) {
            var transitions = new ArrayList<Instant>();
            if (FollowUpStatus.SCHEDULED.name().equals(followUp.getString("status"))) {
                transitions.add(followUp.getDate("opensAt").toInstant());
            }
            transitions.add(followUp.getDate("closesAt").toInstant());
            for (Instant transition : transitions) {
                byBucket.computeIfAbsent(idOf(transition), b -> new LinkedHashSet<>()).add(followUp.get("_id").toString());
                if (transition.isBefore(oldest)) {
                    oldest = transition;
                }
            }
            if (byBucket.size() >= 500) {
                addAll(byBucket);
                byBucket.clear();
            }
        }
        addAll(byBucket);
        Instant sweptThrough = bucketOf(oldest).minus(BUCKET);
        mongo.upsert(Query.query(Criteria.where("_id").is(PROGRESS_ID)), new Update().min(SWEPT_THROUGH, Date.from(sweptThrough)),
                PROGRESS_COLLECTION);
        return sweptThrough;
    }

    /** One second of the schedule. */
    record Bucket(String id, List<String> followUpIds) {

        Instant instant() {
            return Instant.parse(id);
        }
    }
}
