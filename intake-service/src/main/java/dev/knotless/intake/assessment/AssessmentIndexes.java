package dev.knotless.intake.assessment;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.data.domain.Sort.Direction;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.stereotype.Component;

/**
 * Every query on assessments is by patient: the list in assessment order, and whether an intake
 * exists (a patient has a handful of assessments, so the patientId prefix is enough for that one).
 */
@Component
class AssessmentIndexes implements InitializingBean {

    private final MongoTemplate mongo;

    AssessmentIndexes(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @Override
    public void afterPropertiesSet() {
        mongo.indexOps(AssessmentDocument.class).createIndex(new Index("patientId", Direction.ASC)
                .on("assessedAt", Direction.ASC).on("recordedAt", Direction.ASC).named("patient_assessed"));
    }
}
