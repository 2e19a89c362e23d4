package dev.knotless.session;

import dev.knotless.testsupport.KnotlessContainers;
import dev.knotless.testsupport.QueryPlans;
import java.util.List;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.context.ImportTestcontainers;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import dev.knotless.testsupport.TestTokens;
import org.springframework.context.annotation.Import;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The contract against the apache/kafka and mongo images; reported skipped where no Docker engine
 * runs. Every query of session-service is by {@code _id}; MongoDB's plan shows it for the one that
 * reads several documents.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
@Import(TestClockConfig.class)
@Testcontainers(disabledWithoutDocker = true)
@ImportTestcontainers(KnotlessContainers.class)
class SessionServiceContainersIT extends SessionServiceContract {

    @DynamicPropertySource
    static void issuer(DynamicPropertyRegistry registry) {
        TestTokens.register(registry);
    }

    @Test
    void mongoDbListsAPatientsSessionsFromTheIdIndex() {
        List<String> ids = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString());
        ids.forEach(id -> mongo.insert(new Document("_id", id).append("patientId", "explain"), "sessions"));
        try {
            QueryPlans.assertServedById(mongo, "sessions", new Document("_id", new Document("$in", ids)));
        } finally {
            mongo.remove(Query.query(Criteria.where("_id").in(ids)), "sessions");
        }
    }
}
