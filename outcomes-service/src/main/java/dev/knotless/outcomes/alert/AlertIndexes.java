package dev.knotless.outcomes.alert;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.IndexInfo;
import org.springframework.stereotype.Component;

/**
 * Alerts are read by id only (the lists come from {@link ClinicAlerts}): the index the clinic's
 * list used to need only costs writes now, so a store that has it drops it.
 */
@Component
class AlertIndexes implements InitializingBean {

    static final String OBSOLETE = "clinic_status_urgency";

    private final MongoTemplate mongo;

    AlertIndexes(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @Override
    public void afterPropertiesSet() {
        var indexes = mongo.indexOps(Alert.class);
        if (indexes.getIndexInfo().stream().map(IndexInfo::getName).anyMatch(OBSOLETE::equals)) {
            indexes.dropIndex(OBSOLETE);
        }
    }
}
