package dev.knotless.intake;

import dev.knotless.platform.audit.AuditStore;
import dev.knotless.testsupport.EmbeddedInfrastructure;
import dev.knotless.testsupport.MutableClock;
import dev.knotless.testsupport.TestTokens;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The service over real HTTP with the in-JVM broker and embedded store, tokens from the test issuer:
 * what the security and audit ITs share (one Spring context for both).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
@Import(TestClockConfig.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SecuredIntakeService {

    static final String DATABASE = "knotless-intake-secured";

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        EmbeddedInfrastructure.register(registry, DATABASE);
        TestTokens.register(registry);
    }

    @Autowired
    RestTestClient anonymous;
    @Autowired
    MongoTemplate mongo;
    @Autowired
    AuditStore audit;
    @Autowired
    MutableClock clock;

    TestTokens tokens;

    @BeforeAll
    void tokens() {
        tokens = new TestTokens(clock);
    }

    RestTestClient withToken(String token) {
        return anonymous.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, TestTokens.bearer(token)).build();
    }

    RestTestClient therapistOf(String clinicId) {
        return withToken(tokens.therapist(clinicId));
    }

    static final String PATIENT = """
            { "givenName": "Test", "familyName": "%s", "dateOfBirth": "1980-04-02", "email": "patient-a@example.org" }
            """;

    UUID register(RestTestClient client, String familyName) {
        JsonNode created = client.post().uri("/api/patients").contentType(MediaType.APPLICATION_JSON)
                .body(PATIENT.formatted(familyName)).exchange()
                .expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        return UUID.fromString(created.get("patientId").asString());
    }

    static UUID idOf(RestTestClient.ResponseSpec created, String field) {
        return UUID.fromString(created.expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody()
                .get(field).asString());
    }

    static String intake(String assessedAt) {
        return IntakeServiceContract.intake(assessedAt, true);
    }

    static String reassessment(String assessedAt) {
        return IntakeServiceContract.reassessment(assessedAt, "PROGRESS", 3);
    }
}
