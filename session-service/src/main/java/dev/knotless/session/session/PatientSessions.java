package dev.knotless.session.session;

import java.util.List;
import java.util.UUID;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/** Which sessions a patient has, by key: see {@link PatientSessionsDocument}. */
@Component
class PatientSessions {

    private final MongoTemplate mongo;

    PatientSessions(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /**
     * Adds a session's id to its patient, before the session itself is stored: one atomic,
     * idempotent upsert by key. Were the service to stop in between, the patient would name a
     * session nobody can find, which the list skips; the other order could leave a session, and its
     * published event, that the patient's list does not show.
     */
    void add(UUID patientId, String sessionId) {
        mongo.upsert(byPatient(patientId), new Update().addToSet("sessionIds", sessionId), PatientSessionsDocument.class);
    }

    /** The ids of the patient's sessions in the order they were recorded; some may name no stored session. */
    List<String> idsOf(UUID patientId) {
        PatientSessionsDocument document = mongo.findOne(byPatient(patientId), PatientSessionsDocument.class);
        return document == null || document.sessionIds == null ? List.of() : List.copyOf(document.sessionIds);
    }

    private static Query byPatient(UUID patientId) {
        return Query.query(Criteria.where("_id").is(patientId.toString()));
    }
}
