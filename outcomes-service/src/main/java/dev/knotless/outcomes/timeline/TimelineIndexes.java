package dev.knotless.outcomes.timeline;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.data.domain.Sort.Direction;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.stereotype.Component;

@Component
class TimelineIndexes implements InitializingBean {

    private final MongoTemplate mongo;

    TimelineIndexes(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @Override
    public void afterPropertiesSet() {
        mongo.indexOps(Timeline.class).createIndex(new Index("clinicId", Direction.ASC).named("clinicId"));
    }
}
