package dev.knotless.session.session;

import dev.knotless.platform.migration.OneTimeMigration;
import java.time.Clock;
import org.bson.Document;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * Once per store, before the first request: adds the ids of sessions stored before
 * {@link PatientSessionsDocument} existed, so that no earlier session disappears from a patient's
 * list. Reads every session once; a marker document records that it ran, so later starts read one
 * document. Idempotent ({@code $addToSet}): a start that stopped half-way simply runs it again.
 */
@Component
class SessionIdsBackfill implements InitializingBean {

    static final String MARKER = "session-ids-by-patient";

    private final MongoTemplate mongo;
    private final Clock clock;

    SessionIdsBackfill(MongoTemplate mongo, Clock clock) {
        this.mongo = mongo;
        this.clock = clock;
    }

    @Override
    public void afterPropertiesSet() {
        OneTimeMigration.runOnce(mongo, clock, MARKER, () -> {
            var all = new Query();
            all.fields().include("patientId");
            try (var sessions = mongo.stream(all, Document.class, "sessions")) {
                sessions.forEach(session -> mongo.upsert(Query.query(Criteria.where("_id").is(session.getString("patientId"))),
                        new Update().addToSet("sessionIds", session.get("_id")), PatientSessionsDocument.COLLECTION));
            }
        });
    }
}
