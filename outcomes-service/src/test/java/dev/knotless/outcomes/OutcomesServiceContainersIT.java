package dev.knotless.outcomes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.outcomes.dashboard.ClinicReadModelsBackfillContract;
import dev.knotless.outcomes.followup.FollowUp;
import dev.knotless.outcomes.followup.FollowUpScheduleContract;
import dev.knotless.testsupport.KnotlessContainers;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.context.ImportTestcontainers;
import org.springframework.context.annotation.Import;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The contract against real Kafka and MongoDB containers; skipped (visibly) where no Docker engine runs. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TestClockConfig.class)
@Testcontainers(disabledWithoutDocker = true)
@ImportTestcontainers(KnotlessContainers.class)
class OutcomesServiceContainersIT extends OutcomesServiceContract {

    private static final List<String> INDEX_STAGES = List.of("IXSCAN", "EXPRESS_IXSCAN", "IDHACK", "EXPRESS_IDHACK");

    @Autowired
    MongoTemplate mongo;

    /**
     * The one query of follow-ups and surveys not by {@code _id}, {@code findByTokenHash}: real
     * MongoDB serves {@code {tokenHash: h}} from the unique sparse index, not by a collection scan.
     */
    @Test
    void aSurveyTokenIsLookedUpThroughItsIndex() {
        var find = new Document("find", FollowUp.COLLECTION).append("filter", new Document("tokenHash", "0".repeat(64)));

        Document explained = mongo.executeCommand(new Document("explain", find).append("verbosity", "queryPlanner"));

        var winningPlan = explained.get("queryPlanner", Document.class).get("winningPlan", Document.class);
        var stages = stagesOf(winningPlan);
        assertThat(stages).as("stages of the winning plan %s", winningPlan.toJson())
                .doesNotContain("COLLSCAN")
                .containsAnyElementsOf(INDEX_STAGES);
    }

    /**
     * The read models' conditional updates and reads name {@code _id} plus a condition on the
     * document's own fields: MongoDB serves them from the {@code _id} index, never a collection scan.
     */
    @Test
    void theReadModelFiltersAreServedByTheIdIndex() {
        mongo.getCollection("clinicAlerts").insertOne(new Document("_id", "clinic-explain").append("open", new Document()));
        mongo.getCollection("clinicDays").insertOne(new Document("_id", "clinic-explain|2026-11-30").append("fu", new Document()));

        assertServedById("clinicAlerts", new Document("_id", "clinic-explain").append("open.a1", new Document("$exists", false)));
        assertServedById("clinicAlerts", new Document("_id", "clinic-explain").append("acknowledged.id", new Document("$ne", "a1")));
        assertServedById("clinicDays", new Document("_id", "clinic-explain|2026-11-30").append("fu.f1", new Document("$nin", List.of("C", "M"))));
        assertServedById("clinicDays", new Document("_id", new Document("$in", List.of("clinic-explain|2026-11-29", "clinic-explain|2026-11-30"))));
        assertServedById("timelines", new Document("_id", "patient-explain"));
    }

    private void assertServedById(String collection, Document filter) {
        var find = new Document("find", collection).append("filter", filter);
        Document explained = mongo.executeCommand(new Document("explain", find).append("verbosity", "queryPlanner"));
        var winningPlan = explained.get("queryPlanner", Document.class).get("winningPlan", Document.class);
        assertThat(stagesOf(winningPlan)).as("stages of the plan of %s on %s: %s", filter.toJson(), collection, winningPlan.toJson())
                .doesNotContain("COLLSCAN")
                .containsAnyElementsOf(INDEX_STAGES);
        assertThat(winningPlan.toJson()).as("index of the plan of %s", filter.toJson()).containsAnyOf("\"_id_\"", "IDHACK");
    }

    @Nested
    class FollowUpScheduleInTheStore extends FollowUpScheduleContract {
    }

    @Nested
    class ClinicReadModelsFromAnOlderStore extends ClinicReadModelsBackfillContract {
    }

    /** Every {@code stage} in a plan tree, whatever its shape (classic inputStage(s), or SBE's queryPlan). */
    private static List<String> stagesOf(Object node) {
        List<String> stages = new ArrayList<>();
        if (node instanceof Document document) {
            if (document.get("stage") instanceof String stage) {
                stages.add(stage);
            }
            document.values().forEach(value -> stages.addAll(stagesOf(value)));
        } else if (node instanceof List<?> list) {
            list.forEach(item -> stages.addAll(stagesOf(item)));
        }
        return stages;
    }
}
