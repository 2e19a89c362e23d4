package dev.knotless.outcomes.alert;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.data.domain.Sort.Direction;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.stereotype.Component;

@Component
class AlertIndexes implements InitializingBean {

    private final MongoTemplate mongo;

    AlertIndexes(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @Override
    public void afterPropertiesSet() {
        mongo.indexOps(Alert.class).createIndex(new Index("clinicId", Direction.ASC).on("status", Direction.ASC)
                .on("levelRank", Direction.ASC).on("raisedAt", Direction.DESC).named("clinic_status_urgency"));
    }
}
