package dev.knotless.outcomes.followup;

import java.util.List;
import java.util.stream.Collectors;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.data.domain.Sort.Direction;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.index.IndexInfo;
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
        // Follow-ups by session and the sweep now go by key (FollowUp.idOf, FollowUpSchedule), and the
        // dashboard reads clinicDays: their indexes only cost writes, so a store that has them drops them.
        var existing = indexes.getIndexInfo().stream().map(IndexInfo::getName).collect(Collectors.toSet());
        for (String obsolete : List.of("sessionId", "status_opensAt", "status_closesAt", "clinicId_sessionEndedAt")) {
            if (existing.contains(obsolete)) {
                indexes.dropIndex(obsolete);
            }
        }
    }
}
