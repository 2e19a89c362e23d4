package dev.knotless.outcomes;

import dev.knotless.outcomes.dashboard.ClinicReadModelsBackfillContract;
import dev.knotless.outcomes.followup.FollowUp;
import dev.knotless.outcomes.followup.FollowUpScheduleContract;
import dev.knotless.testsupport.KnotlessContainers;
import dev.knotless.testsupport.QueryPlans;
import dev.knotless.testsupport.TestTokens;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.context.ImportTestcontainers;
import org.springframework.context.annotation.Import;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The contract against real Kafka and MongoDB containers; skipped (visibly) where no Docker engine runs. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TestClockConfig.class)
@Testcontainers(disabledWithoutDocker = true)
@ImportTestcontainers(KnotlessContainers.class)
class OutcomesServiceContainersIT extends OutcomesServiceContract {

    @DynamicPropertySource
    static void issuer(DynamicPropertyRegistry registry) {
        TestTokens.register(registry);
    }

    @Autowired
    MongoTemplate mongo;

    /**
     * The one query of follow-ups and surveys not by {@code _id}, {@code findByTokenHash}: real
     * MongoDB serves {@code {tokenHash: h}} from the unique sparse index, not by a collection scan.
     */
    @Test
    void aSurveyTokenIsLookedUpThroughItsIndex() {
        QueryPlans.assertServedByIndex(mongo, FollowUp.COLLECTION, new Document("tokenHash", "0".repeat(64)));
    }

    /**
     * The read models' conditional updates and reads name {@code _id} plus a condition on the
     * document's own fields: MongoDB serves them from the {@code _id} index, never a collection scan.
     */
    @Test
    void theReadModelFiltersAreServedByTheIdIndex() {
        mongo.getCollection("clinicAlerts").insertOne(new Document("_id", "clinic-explain").append("open", new Document()));
        mongo.getCollection("clinicDays").insertOne(new Document("_id", "clinic-explain|2026-11-30").append("inflight", new Document()));

        QueryPlans.assertServedById(mongo, "clinicAlerts", new Document("_id", "clinic-explain").append("open.a1", new Document("$exists", false)));
        QueryPlans.assertServedById(mongo, "clinicAlerts", new Document("_id", "clinic-explain").append("acknowledged.id", new Document("$ne", "a1")));
        QueryPlans.assertServedById(mongo, "clinicDays", new Document("_id", "clinic-explain|2026-11-30")
                .append("inflight.P.f1", new Document("$exists", false)).append("inflight.C.f1", new Document("$exists", false)));
        QueryPlans.assertServedById(mongo, FollowUp.COLLECTION, new Document("_id", new Document("$in", List.of("f1", "f2")))
                .append("dayCounted", null));
        QueryPlans.assertServedById(mongo, "clinicDays", new Document("_id", new Document("$in", List.of("clinic-explain|2026-11-29", "clinic-explain|2026-11-30"))));
        QueryPlans.assertServedById(mongo, "timelines", new Document("_id", "patient-explain"));
    }

    @Nested
    class FollowUpScheduleInTheStore extends FollowUpScheduleContract {
    }

    @Nested
    class ClinicReadModelsFromAnOlderStore extends ClinicReadModelsBackfillContract {
    }
}
