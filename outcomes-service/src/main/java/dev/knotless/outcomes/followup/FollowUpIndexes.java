package dev.knotless.outcomes.followup;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.data.domain.Sort.Direction;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.stereotype.Component;

/** Indexes of {@code followups}, created before the listeners and the sweep start. */
@Component
class FollowUpIndexes implements InitializingBean {

    private final MongoTemplate mongo;

    FollowUpIndexes(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @Override
    public void afterPropertiesSet() {
        var indexes = mongo.indexOps(FollowUp.class);
        // Sparse: follow-ups without a link have no hash. Unique: one hash finds one follow-up.
        indexes.createIndex(new Index("tokenHash", Direction.ASC).unique().sparse().named("tokenHash_unique"));
        indexes.createIndex(new Index("sessionId", Direction.ASC).named("sessionId"));
        indexes.createIndex(new Index("status", Direction.ASC).on("opensAt", Direction.ASC).named("status_opensAt"));
        indexes.createIndex(new Index("status", Direction.ASC).on("closesAt", Direction.ASC).named("status_closesAt"));
        indexes.createIndex(new Index("clinicId", Direction.ASC).on("sessionEndedAt", Direction.ASC).named("clinicId_sessionEndedAt"));
    }
}
