package dev.knotless.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.platform.audit.AuditStore;
import dev.knotless.platform.outbox.OutboxRelay;
import dev.knotless.testsupport.DocumentReads;
import dev.knotless.testsupport.EmbeddedInfrastructure;
import dev.knotless.testsupport.TestTokens;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The contract against a real Kafka broker in this JVM and mongo-java-server (no Docker needed),
 * and what only the embedded store can count: the documents each endpoint reads.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
@Import(TestClockConfig.class)
class IntakeServiceEmbeddedIT extends IntakeServiceContract {

    private static final String DATABASE = "knotless-intake";

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        EmbeddedInfrastructure.register(registry, DATABASE);
        TestTokens.register(registry);
    }

    @Autowired
    OutboxRelay relay;
    @Autowired
    AuditStore audit;

    @Test
    void everyEndpointReadsAsManyDocumentsWith2000PatientsAsWith200() {
        Map<String, Long> small = documentsReadByEachEndpoint(seed(200));
        Map<String, Long> large = documentsReadByEachEndpoint(seed(1_800));

        System.out.printf("Documents read per request, 200 vs 2,000 patients (3 documents and an idempotency key each):%n");
        small.forEach((request, reads) -> System.out.printf("  %-45s %3d %3d%n", request, reads, large.get(request)));
        assertThat(large).as("documents read per request with 2,000 patients, against 200").isEqualTo(small);
        assertThat(small).as("a request reads a handful of documents by key").allSatisfy((request, reads) ->
                assertThat(reads).isBetween(0L, 5L));
        assertThat(small.get("GET /api/patients/{id}/assessments")).as("the patient, its two assessments and the audit counter")
                .isEqualTo(4L);
        assertThat(small.get("POST /api/patients, the key again (replay)")).as("the key by _id and the audit counter").isEqualTo(2L);
    }

    /** One request of each kind, each on a seeded patient of its own, with the relay stopped so that its passes are not counted. */
    private Map<String, Long> documentsReadByEachEndpoint(List<Seeded> seeded) {
        Iterator<Seeded> patients = seeded.iterator();
        Seeded read = patients.next();
        Seeded listed = patients.next();
        Seeded intake = patients.next();
        Seeded reassessed = patients.next();
        UUID withoutIntake = registerPatient("clinic-a");
        var reads = new LinkedHashMap<String, Long>();
        relay.stop();
        try {
            reads.put("POST /api/patients", reads(() -> register("""
                    { "clinicId": "clinic-a", "givenName": "Test", "familyName": "Patient-R", "dateOfBirth": "1980-04-02" }
                    """).expectStatus().isCreated()));
            String key = UUID.randomUUID().toString();
            String keyed = """
                    { "clinicId": "clinic-a", "givenName": "Test", "familyName": "Patient-K", "dateOfBirth": "1980-04-02" }
                    """;
            reads.put("POST /api/patients, a new Idempotency-Key", reads(() -> registerWithKey("clinic-a", keyed, key)
                    .expectStatus().isCreated().expectHeader().doesNotExist("Idempotent-Replayed")));
            reads.put("POST /api/patients, the key again (replay)", reads(() -> registerWithKey("clinic-a", keyed, key)
                    .expectStatus().isCreated().expectHeader().valueEquals("Idempotent-Replayed", "true")));
            reads.put("GET /api/patients/{id}", reads(() -> http.get().uri("/api/patients/{id}", read.patientId()).exchange()
                    .expectStatus().isOk()));
            reads.put("GET /api/patients/{id} unknown (404)", reads(() -> http.get().uri("/api/patients/{id}", UUID.randomUUID())
                    .exchange().expectStatus().isNotFound()));
            reads.put("POST /api/patients/{id}/intake", reads(() -> postIntake(intake.patientId(), intake("2026-11-19T14:00:00Z", true))
                    .expectStatus().isCreated()));
            reads.put("POST /api/patients/{id}/assessments", reads(() -> postReassessment(reassessed.patientId(),
                    reassessment("2026-11-19T15:00:00Z", "DISCHARGE", 1)).expectStatus().isCreated()));
            reads.put("POST /api/patients/{id}/assessments (409)", reads(() -> postReassessment(withoutIntake,
                    reassessment("2026-11-19T15:00:00Z", "PROGRESS", 1)).expectStatus().isEqualTo(409)));
            reads.put("GET /api/patients/{id}/assessments", reads(() -> http.get()
                    .uri("/api/patients/{id}/assessments", listed.patientId()).exchange()
                    .expectStatus().isOk().expectBody().jsonPath("$.length()").isEqualTo(2)));
            reads.put("GET /api/patients/{id}/assessments/{id}", reads(() -> http.get()
                    .uri("/api/patients/{id}/assessments/{assessmentId}", read.patientId(), read.intakeId()).exchange()
                    .expectStatus().isOk()));
        } finally {
            relay.start();
        }
        return reads;
    }

    private long reads(Runnable request) {
        return DocumentReads.duringRequests(DATABASE, audit, request);
    }

    record Seeded(UUID patientId, UUID intakeId) {
    }

    /** {@code count} patients, each with an intake and a progress assessment, written straight into the store. */
    private List<Seeded> seed(int count) {
        Date at = Date.from(Instant.parse("2026-11-10T09:00:00Z"));
        var seeded = new ArrayList<Seeded>();
        var patients = new ArrayList<Document>();
        var assessments = new ArrayList<Document>();
        // As many answered keys as patients: finding a key must not read the others.
        var idempotencyKeys = new ArrayList<Document>();
        for (int i = 0; i < count; i++) {
            String patientId = UUID.randomUUID().toString();
            String intakeId = UUID.randomUUID().toString();
            String progressId = UUID.randomUUID().toString();
            patients.add(new Document("_id", patientId).append("clinicId", "clinic-a").append("givenName", "Seed")
                    .append("familyName", "Patient-" + i).append("dateOfBirth", "1980-04-02").append("registeredAt", at)
                    .append("assessmentIds", List.of(intakeId, progressId)).append("intakeIds", List.of(intakeId))
                    .append("outbox", List.of()));
            assessments.add(assessment(intakeId, patientId, "INTAKE", at)
                    .append("complaints", List.of(new Document("bodyRegion", "SHOULDER").append("side", "RIGHT")))
                    .append("needlingClearance", "CLEARED").append("reasons", List.of()));
            assessments.add(assessment(progressId, patientId, "PROGRESS", Date.from(at.toInstant().plusSeconds(86_400))));
            idempotencyKeys.add(new Document("_id", UUID.randomUUID().toString()).append("fingerprint", "seed").append("state", "COMPLETED")
                    .append("claim", UUID.randomUUID().toString()).append("expiresAt", Date.from(Instant.parse(TestClockConfig.NOW).plusSeconds(86_400)))
                    .append("response", new Document("status", 201).append("headers", new Document()).append("body", "{}")));
            seeded.add(new Seeded(UUID.fromString(patientId), UUID.fromString(intakeId)));
        }
        mongo.insert(patients, "patients");
        mongo.insert(idempotencyKeys, "idempotency_keys");
        mongo.insert(assessments, "assessments");
        return seeded;
    }

    private static Document assessment(String assessmentId, String patientId, String kind, Date assessedAt) {
        return new Document("_id", assessmentId).append("patientId", patientId).append("clinicId", "clinic-a")
                .append("kind", kind).append("assessedAt", assessedAt).append("therapistId", "t-1").append("painNprs", 5)
                .append("rom", List.of()).append("recordedAt", assessedAt).append("outbox", List.of());
    }
}
