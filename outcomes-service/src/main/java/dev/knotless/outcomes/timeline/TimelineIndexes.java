package dev.knotless.outcomes.timeline;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.IndexInfo;
import org.springframework.stereotype.Component;

/**
 * Timelines are read by patient id only (the dashboard reads its own read model): the index by
 * clinic it used to need only costs writes now, so a store that has it drops it.
 */
@Component
class TimelineIndexes implements InitializingBean {

    static final String OBSOLETE = "clinicId";

    private final MongoTemplate mongo;

    TimelineIndexes(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @Override
    public void afterPropertiesSet() {
        var indexes = mongo.indexOps(Timeline.class);
        if (indexes.getIndexInfo().stream().map(IndexInfo::getName).anyMatch(OBSOLETE::equals)) {
            indexes.dropIndex(OBSOLETE);
        }
    }
}
