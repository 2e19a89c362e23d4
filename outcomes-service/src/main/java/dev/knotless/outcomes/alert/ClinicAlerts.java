package dev.knotless.outcomes.alert;

import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.AlertStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.domain.Sort.Direction;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * The per-clinic read model of the alert lists (collection {@code clinicAlerts}, {@code _id} =
 * clinic id), so listing a clinic's alerts and counting its open ones is one lookup by key:
 *
 * <pre>
 * { _id: clinicId,
 *   open: { &lt;alertId&gt;: { l: levelRank, t: raisedAt } },      // every OPEN alert, tiny entries
 *   count: { HIGH: n, MEDIUM: n, LOW: n },                 // open alerts by level
 *   acknowledged: [ { id, l, t, a: acknowledgedAt } ] }    // the last {@value #ACKNOWLEDGED_KEPT} acknowledged
 * </pre>
 *
 * <p>Every change is one conditional update of the one document, so it is atomic and idempotent
 * without event-id bookkeeping: an alert enters {@code open} (and its level's count goes up) only
 * if it is not there yet, and leaves it (count down) only if it is; an acknowledged alert is pushed
 * only if it is not in the list yet. A filter that fails on an existing document makes the upsert
 * collide on {@code _id}: that is "already applied". Callers derive the change from the alert
 * document's status, so a redelivered AlertRaised never reopens an acknowledged alert.
 */
@Component
public class ClinicAlerts {

    public static final String COLLECTION = "clinicAlerts";
    /** How many acknowledged alerts the ACKNOWLEDGED list keeps: the most recently acknowledged. */
    public static final int ACKNOWLEDGED_KEPT = 200;

    /** An alert of the list, enough to order it: most urgent level first, then newest first. */
    record Entry(String alertId, int levelRank, Instant raisedAt) {
    }

    private final MongoTemplate mongo;

    ClinicAlerts(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /**
     * Brings the read model in line with the alert document's status; idempotent. Used by the event
     * handlers and the acknowledge endpoint, and by the start-up backfill of an older store.
     */
    public void sync(Alert alert) {
        if (alert.status() == AlertStatus.ACKNOWLEDGED) {
            acknowledged(alert);
        } else {
            open(alert);
        }
    }

    private void open(Alert alert) {
        String key = "open." + alert.id();
        var notYetOpen = Query.query(Criteria.where("_id").is(alert.clinicId()).and(key).exists(false));
        var update = new Update()
                .set(key, new Document("l", alert.level().ordinal()).append("t", Date.from(alert.raisedAt())))
                .inc("count." + alert.level().name(), 1);
        upsertUnlessApplied(notYetOpen, update);
    }

    private void acknowledged(Alert alert) {
        String key = "open." + alert.id();
        var stillOpen = Query.query(Criteria.where("_id").is(alert.clinicId()).and(key).exists(true));
        mongo.updateFirst(stillOpen, new Update().unset(key).inc("count." + alert.level().name(), -1), COLLECTION);

        var notListed = Query.query(Criteria.where("_id").is(alert.clinicId()).and("acknowledged.id").ne(alert.id().toString()));
        var entry = new Document("id", alert.id().toString()).append("l", alert.level().ordinal())
                .append("t", Date.from(alert.raisedAt()))
                .append("a", Date.from(alert.acknowledgedAt() == null ? alert.raisedAt() : alert.acknowledgedAt()));
        var push = new Update().push("acknowledged").sort(Sort.by(Direction.DESC, "a")).slice(ACKNOWLEDGED_KEPT).each(entry);
        upsertUnlessApplied(notListed, push);
    }

    private void upsertUnlessApplied(Query query, Update update) {
        // A duplicate key means the document exists and the condition failed: the change was made
        // before. Or a concurrent upsert created the document first: then the second try applies it.
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                mongo.upsert(query, update, COLLECTION);
                return;
            } catch (DuplicateKeyException existsAlready) {
                // tried again once: a second duplicate key can only mean "already applied"
            }
        }
    }

    /** The alerts of one list, in no particular order; ACKNOWLEDGED holds at most {@value #ACKNOWLEDGED_KEPT}. */
    List<Entry> entries(String clinicId, AlertStatus status) {
        String field = status == AlertStatus.OPEN ? "open" : "acknowledged";
        var query = Query.query(Criteria.where("_id").is(clinicId));
        query.fields().include(field);
        Document doc = mongo.findOne(query, Document.class, COLLECTION);
        List<Entry> entries = new ArrayList<>();
        if (doc == null) {
            return entries;
        }
        if (status == AlertStatus.OPEN) {
            Document open = doc.get("open", Document.class);
            if (open != null) {
                open.forEach((id, value) -> entries.add(entry(id, (Document) value)));
            }
        } else {
            List<Document> acknowledged = doc.getList("acknowledged", Document.class);
            if (acknowledged != null) {
                acknowledged.forEach(value -> entries.add(entry(value.getString("id"), value)));
            }
        }
        return entries;
    }

    private static Entry entry(String alertId, Document value) {
        return new Entry(alertId, ((Number) value.get("l")).intValue(), value.getDate("t").toInstant());
    }

    /** The clinic's open alerts by level (every level present), from the counters only. */
    public Map<AlertLevel, Long> openCounts(String clinicId) {
        var query = Query.query(Criteria.where("_id").is(clinicId));
        query.fields().include("count");
        Document doc = mongo.findOne(query, Document.class, COLLECTION);
        Document count = doc == null ? null : doc.get("count", Document.class);
        Map<AlertLevel, Long> counts = new EnumMap<>(AlertLevel.class);
        for (AlertLevel level : AlertLevel.values()) {
            Object n = count == null ? null : count.get(level.name());
            counts.put(level, n == null ? 0L : ((Number) n).longValue());
        }
        return counts;
    }
}
