package dev.knotless.outcomes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.testsupport.KnotlessContainers;
import java.util.List;
import org.bson.Document;
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

    @Autowired
    MongoTemplate template;

    /**
     * The read models' conditional updates and reads name {@code _id} plus a condition on the
     * document's own fields: MongoDB serves them from the {@code _id} index, never a collection scan.
     */
    @Test
    void theReadModelFiltersAreServedByTheIdIndex() {
        template.getCollection("clinicAlerts").insertOne(new Document("_id", "clinic-explain").append("open", new Document()));
        template.getCollection("clinicDays").insertOne(new Document("_id", "clinic-explain|2026-11-30").append("fu", new Document()));

        assertServedById("clinicAlerts", new Document("_id", "clinic-explain").append("open.a1", new Document("$exists", false)));
        assertServedById("clinicAlerts", new Document("_id", "clinic-explain").append("acknowledged.id", new Document("$ne", "a1")));
        assertServedById("clinicDays", new Document("_id", "clinic-explain|2026-11-30").append("fu.f1", new Document("$nin", List.of("C", "M"))));
        assertServedById("clinicDays", new Document("_id", new Document("$in", List.of("clinic-explain|2026-11-29", "clinic-explain|2026-11-30"))));
        assertServedById("timelines", new Document("_id", "patient-explain"));
    }

    private void assertServedById(String collection, Document filter) {
        Document explain = template.getDb().runCommand(new Document("explain", new Document("find", collection).append("filter", filter))
                .append("verbosity", "queryPlanner"));
        String plan = explain.get("queryPlanner", Document.class).get("winningPlan", Document.class).toJson();
        assertThat(plan).as("plan of %s on %s", filter.toJson(), collection).doesNotContain("COLLSCAN")
                .containsAnyOf("\"_id_\"", "IDHACK", "EXPRESS");
    }
}
