package dev.knotless.intake.assessment;

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
 * Once per store, before the first request: adds the ids of assessments stored before patients
 * held them to their patients, so that no earlier assessment disappears from a list and no earlier
 * intake is asked for again. Reads every assessment once; a marker document records that it ran,
 * so later starts read one document. Idempotent ({@code $addToSet}): a start that stopped half-way
 * simply runs it again.
 */
@Component
class AssessmentIdsBackfill implements InitializingBean {

    static final String MARKER = "assessment-ids-on-patients";

    private final MongoTemplate mongo;
    private final Clock clock;

    AssessmentIdsBackfill(MongoTemplate mongo, Clock clock) {
        this.mongo = mongo;
        this.clock = clock;
    }

    @Override
    public void afterPropertiesSet() {
        OneTimeMigration.runOnce(mongo, clock, MARKER, () -> {
            var all = new Query();
            all.fields().include("patientId").include("kind");
            try (var assessments = mongo.stream(all, Document.class, "assessments")) {
                assessments.forEach(assessment -> {
                    Object id = assessment.get("_id");
                    var update = new Update().addToSet("assessmentIds", id);
                    if (Kind.INTAKE.name().equals(assessment.getString("kind"))) {
                        update.addToSet("intakeIds", id);
                    }
                    mongo.updateFirst(Query.query(Criteria.where("_id").is(assessment.getString("patientId"))), update, "patients");
                });
            }
        });
    }
}
