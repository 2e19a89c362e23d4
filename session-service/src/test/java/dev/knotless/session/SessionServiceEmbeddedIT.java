package dev.knotless.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.knotless.platform.audit.AuditStore;
import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload.AlertAcknowledged;
import dev.knotless.events.EventPayload.AlertRaised;
import dev.knotless.events.EventPayload.AssessmentRecorded;
import dev.knotless.events.EventPayload.IntakeCompleted;
import dev.knotless.events.EventPayload.PatientRegistered;
import dev.knotless.events.EventPayload.SessionRecorded;
import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.AlertRule;
import dev.knotless.events.Vocabulary.AssessmentKind;
import dev.knotless.events.Vocabulary.NeedlingClearance;
import dev.knotless.platform.outbox.OutboxRelay;
import dev.knotless.session.patient.ReadModelAccess;
import dev.knotless.testsupport.DocumentReads;
import dev.knotless.testsupport.EmbeddedInfrastructure;
import dev.knotless.testsupport.TestTokens;
import java.time.Duration;
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
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The contract against a real Kafka broker in this JVM and mongo-java-server (no Docker needed),
 * and what only the embedded store can count: the documents each endpoint and event handler reads.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
@Import(TestClockConfig.class)
class SessionServiceEmbeddedIT extends SessionServiceContract {

    private static final String DATABASE = "knotless-session";
    private static final int SESSIONS_PER_PATIENT = 3;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        EmbeddedInfrastructure.register(registry, DATABASE);
        TestTokens.register(registry);
    }

    @Autowired
    OutboxRelay relay;
    @Autowired
    AuditStore audit;
    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Test
    void anotherClinicSeesAndChangesNothingOperatorsReachNoPatientDataBadTokensAre401() {
        UUID patientId = UUID.randomUUID();
        publish(intake(patientId, Instant.parse("2026-11-18T14:00:00Z"), NeedlingClearance.CLEARED));
        awaitClearance(patientId, NeedlingClearance.CLEARED);
        UUID sessionId = sessionIdOf(postSession(patientId, session(false, false)).expectStatus().isCreated());
        var therapistB = withToken(tokens.therapist("clinic-b"));
        var operator = withToken(tokens.operator());
        List<String> bad = List.of(tokens.expired("clinic-a"), tokens.wrongIssuer("clinic-a"), tokens.wrongAudience("clinic-a"),
                tokens.badSignature("clinic-a"), tokens.unsigned("clinic-a"), tokens.unknownKey("clinic-a"), "a-survey-link-token");

        for (String[] endpoint : List.of(
                new String[] {"POST", "/api/patients/" + patientId + "/sessions", "/api/patients/" + UUID.randomUUID() + "/sessions"},
                new String[] {"GET", "/api/patients/" + patientId + "/sessions", "/api/patients/" + UUID.randomUUID() + "/sessions"},
                new String[] {"GET", "/api/sessions/" + sessionId, "/api/sessions/" + UUID.randomUUID()})) {
            String name = endpoint[0] + " " + endpoint[1];
            var anonymousAnswer = call(anonymous, endpoint[0], endpoint[1]);
            assertThat(anonymousAnswer.getStatus().value()).as(name).isEqualTo(401);
            assertThat(anonymousAnswer.getResponseHeaders().getFirst("WWW-Authenticate")).as(name).startsWith("Bearer");
            var foreign = call(therapistB, endpoint[0], endpoint[1]);
            assertThat(foreign.getStatus().value()).as(name).isEqualTo(404);
            assertThat(withoutIds(foreign.getResponseBody())).as(name + ": as for an unknown id")
                    .isEqualTo(withoutIds(call(therapistB, endpoint[0], endpoint[2]).getResponseBody()));
            assertThat(foreign.getResponseBody()).doesNotContain("UPPER_TRAPEZIUS");
            assertThat(call(operator, endpoint[0], endpoint[1]).getStatus().value()).as(name).isEqualTo(403);
            for (String token : bad) {
                assertThat(call(withToken(token), endpoint[0], endpoint[1]).getStatus().value()).as(name).isEqualTo(401);
            }
        }
        http.get().uri("/api/patients/{id}/sessions", patientId).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$[*].sessionId").isEqualTo(List.of(sessionId.toString()));
    }

    @Test
    void everyRequestIsAuditedOnceAndASessionIsNotRecordedWhenItsAuditRecordCannotBe() {
        UUID patientId = UUID.randomUUID();
        publish(intake(patientId, Instant.parse("2026-11-18T14:00:00Z"), NeedlingClearance.CLEARED));
        awaitClearance(patientId, NeedlingClearance.CLEARED);
        UUID sessionId = sessionIdOf(postSession(patientId, session(false, false)).expectStatus().isCreated());
        http.get().uri("/api/patients/{id}/sessions", patientId).exchange().expectStatus().isOk();
        http.get().uri("/api/sessions/{id}", sessionId).exchange().expectStatus().isOk();
        withToken(tokens.therapist("clinic-b")).get().uri("/api/sessions/{id}", sessionId).exchange().expectStatus().isNotFound();

        withToken(tokens.clinicAdmin("clinic-a")).get()
                .uri("/api/clinics/clinic-a/audit?patientId={id}&from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z", patientId)
                .exchange().expectStatus().isOk()
                .expectBody()
                // The query itself last: recorded before it reads, so without a status yet.
                .jsonPath("$.records[*].status").isEqualTo(List.of(201, 200, 200, 404))
                .jsonPath("$.records[*].subject").isEqualTo(List.of("therapist-a", "therapist-a", "therapist-a", "therapist-b", "admin-a"))
                .jsonPath("$.records[*].resourceType").isEqualTo(List.of("session", "session", "session", "session", "audit"));
        withToken(tokens.therapist("clinic-a")).get().uri("/api/clinics/clinic-a/audit").exchange().expectStatus().isForbidden();

        String counter = "clinic-a|" + TestClockConfig.NOW.substring(0, 13);
        Document numbered = mongo.getCollection("audit_sequences").find(com.mongodb.client.model.Filters.eq("_id", counter)).first();
        mongo.getCollection("audit_sequences").updateOne(com.mongodb.client.model.Filters.eq("_id", counter),
                com.mongodb.client.model.Updates.set("n", "not a number"));
        try {
            postSession(patientId, session(false, false))
                    .expectStatus().isEqualTo(503)
                    .expectBody().jsonPath("$.type").isEqualTo("/problems/audit-unavailable");
        } finally {
            mongo.getCollection("audit_sequences").replaceOne(com.mongodb.client.model.Filters.eq("_id", counter), numbered);
        }
        assertThat(mongo.count(org.springframework.data.mongodb.core.query.Query.query(
                org.springframework.data.mongodb.core.query.Criteria.where("patientId").is(patientId.toString())), "sessions"))
                .as("only the first session").isEqualTo(1);
    }

    private org.springframework.test.web.servlet.client.RestTestClient withToken(String token) {
        return anonymous.mutate().defaultHeader("Authorization", TestTokens.bearer(token)).build();
    }

    private org.springframework.test.web.servlet.client.EntityExchangeResult<String> call(
            org.springframework.test.web.servlet.client.RestTestClient client, String method, String uri) {
        var request = client.method(org.springframework.http.HttpMethod.valueOf(method)).uri(uri);
        if (method.equals("POST")) {
            request.contentType(org.springframework.http.MediaType.APPLICATION_JSON).body(session(false, false));
        }
        return request.exchange().expectBody(String.class).returnResult();
    }

    private static String withoutIds(String body) {
        return body.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>");
    }

    @Test
    void everyEndpointAndEventHandlerReadsAsManyDocumentsWith2000PatientsAsWith200() {
        Map<String, Long> small = documentsReadByEachOperation(seed(200));
        Map<String, Long> large = documentsReadByEachOperation(seed(1_800));

        System.out.printf("Documents read per operation, 200 vs 2,000 patients (%d sessions each):%n", SESSIONS_PER_PATIENT);
        small.forEach((operation, reads) -> System.out.printf("  %-56s %3d %3d%n", operation, reads, large.get(operation)));
        assertThat(large).as("documents read per operation with 2,000 patients, against 200").isEqualTo(small);
        assertThat(small).as("an operation reads a handful of documents by key").allSatisfy((operation, reads) ->
                assertThat(reads).isBetween(0L, 3L + SESSIONS_PER_PATIENT));
        assertThat(small.get("GET /api/patients/{id}/sessions"))
                .as("the patient, its session ids, its sessions and the audit counter").isEqualTo(3L + SESSIONS_PER_PATIENT);
    }

    /**
     * One operation of each kind, each on a seeded patient of its own. The relay is stopped and the
     * listeners paused meanwhile, so that nothing but the operation itself is counted.
     */
    private Map<String, Long> documentsReadByEachOperation(List<Seeded> seeded) {
        Iterator<Seeded> patients = seeded.iterator();
        Seeded recorded = patients.next();
        Seeded listed = patients.next();
        Seeded reintake = patients.next();
        Seeded discharged = patients.next();
        Seeded alerted = patients.next();
        Instant now = clock.instant();
        UUID alertId = UUID.randomUUID();
        var reads = new LinkedHashMap<String, Long>();
        quiet();
        try {
            reads.put("POST /api/patients/{id}/sessions", reads(() -> postSession(recorded.patientId(), session(false, false))
                    .expectStatus().isCreated()));
            reads.put("POST /api/patients/{id}/sessions unknown (404)", reads(() -> postSession(UUID.randomUUID(), session(false, false))
                    .expectStatus().isNotFound()));
            reads.put("GET /api/patients/{id}/sessions", reads(() -> http.get().uri("/api/patients/{id}/sessions", listed.patientId())
                    .exchange().expectStatus().isOk().expectBody().jsonPath("$.length()").isEqualTo(SESSIONS_PER_PATIENT)));
            reads.put("GET /api/patients/{id}/sessions unknown (404)", reads(() -> http.get()
                    .uri("/api/patients/{id}/sessions", UUID.randomUUID()).exchange().expectStatus().isNotFound()));
            reads.put("GET /api/sessions/{id}", reads(() -> http.get().uri("/api/sessions/{id}", listed.sessionId()).exchange()
                    .expectStatus().isOk()));

            EventEnvelope registered = EventEnvelope.of(now, UUID.randomUUID(), "clinic-a", new PatientRegistered(now));
            reads.put("on PatientRegistered (new patient)", reads(() -> apply(registered)));
            reads.put("on PatientRegistered again (duplicate)", reads(() -> apply(registered)));
            reads.put("on IntakeCompleted", reads(() -> apply(EventEnvelope.of(now, reintake.patientId(), "clinic-a",
                    new IntakeCompleted(UUID.randomUUID(), now.minus(Duration.ofHours(1)), "t-1", List.of(), 6,
                            NeedlingClearance.CONTRAINDICATED, List.of("BLEEDING_DISORDER"), List.of())))));
            reads.put("POST /api/patients/{id}/sessions contraindicated (422)", reads(() -> postSession(reintake.patientId(),
                    session(true, true)).expectStatus().isEqualTo(422)));
            reads.put("on AssessmentRecorded DISCHARGE", reads(() -> apply(EventEnvelope.of(now, discharged.patientId(), "clinic-a",
                    new AssessmentRecorded(UUID.randomUUID(), now.minus(Duration.ofHours(1)), "t-1", AssessmentKind.DISCHARGE, 1,
                            List.of())))));
            reads.put("on AssessmentRecorded PROGRESS (not kept)", reads(() -> apply(EventEnvelope.of(now, discharged.patientId(),
                    "clinic-a", new AssessmentRecorded(UUID.randomUUID(), now.minus(Duration.ofHours(1)), "t-1",
                            AssessmentKind.PROGRESS, 1, List.of())))));
            reads.put("on AlertRaised SIGNIFICANT_ADVERSE_EVENT", reads(() -> apply(EventEnvelope.of(now, alerted.patientId(),
                    "clinic-a", new AlertRaised(alertId, AlertLevel.HIGH, AlertRule.SIGNIFICANT_ADVERSE_EVENT, alerted.sessionId(),
                            UUID.randomUUID(), null)))));
            reads.put("on AlertAcknowledged", reads(() -> apply(EventEnvelope.of(now, alerted.patientId(), "clinic-a",
                    new AlertAcknowledged(alertId, "t-1")))));
            reads.put("on SessionRecorded (not kept)", reads(() -> apply(EventEnvelope.of(now, alerted.patientId(), "clinic-a",
                    new SessionRecorded(UUID.randomUUID(), "t-1", now.minusSeconds(3600), now.minusSeconds(1800), List.of(), List.of(),
                            5, 3, List.of(), false, false)))));
        } finally {
            relay.start();
            listeners.getListenerContainers().forEach(MessageListenerContainer::resume);
        }
        return reads;
    }

    /** Stops the relay (its passes read what saves hand it, not the operation's business) and pauses the event listeners. */
    private void quiet() {
        relay.stop();
        listeners.getListenerContainers().forEach(MessageListenerContainer::pause);
        await().atMost(Duration.ofSeconds(30)).until(() -> listeners.getListenerContainers().stream()
                .allMatch(MessageListenerContainer::isContainerPaused));
    }

    private void apply(EventEnvelope event) {
        ReadModelAccess.apply(patients, event);
    }

    private long reads(Runnable operation) {
        return DocumentReads.duringRequests(DATABASE, audit, operation);
    }

    record Seeded(UUID patientId, UUID sessionId) {
    }

    /**
     * {@code count} patients as the read model keeps them after registration and a CLEARED intake,
     * each with {@link #SESSIONS_PER_PATIENT} sessions and their ids, written straight into the store.
     */
    private List<Seeded> seed(int count) {
        Date at = Date.from(Instant.parse("2026-11-10T09:00:00Z"));
        var seeded = new ArrayList<Seeded>();
        var readModels = new ArrayList<Document>();
        var sessions = new ArrayList<Document>();
        var sessionIds = new ArrayList<Document>();
        for (int i = 0; i < count; i++) {
            String patientId = UUID.randomUUID().toString();
            readModels.add(new Document("_id", patientId).append("clinicId", "clinic-a").append("registeredAt", at)
                    .append("latestIntake", new Document("assessmentId", UUID.randomUUID().toString()).append("assessedAt", at)
                            .append("needlingClearance", "CLEARED").append("reasons", List.of()).append("recordedAt", at))
                    .append("discharged", false).append("openAdverseEvents", List.of()).append("acknowledgedAlertIds", List.of())
                    .append("appliedEventIds", List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString()))
                    .append("version", 1L));
            var ids = new ArrayList<String>();
            for (int s = 0; s < SESSIONS_PER_PATIENT; s++) {
                String sessionId = UUID.randomUUID().toString();
                Date startedAt = Date.from(at.toInstant().plus(Duration.ofDays(s + 1)));
                sessions.add(new Document("_id", sessionId).append("patientId", patientId).append("clinicId", "clinic-a")
                        .append("therapistId", "t-1").append("startedAt", startedAt)
                        .append("endedAt", Date.from(startedAt.toInstant().plus(Duration.ofMinutes(40))))
                        .append("needling", List.of(new Document("muscle", "UPPER_TRAPEZIUS").append("side", "RIGHT")
                                .append("technique", "DEEP").append("needles", 2).append("dwellSeconds", 60).append("twitchResponse", true)))
                        .append("adjuncts", List.of()).append("painBefore", 6).append("painAfter", 4).append("rom", List.of())
                        .append("precautionAcknowledged", false).append("adverseEventReviewed", false).append("notes", "")
                        .append("needlingClearance", "CLEARED").append("recordedAt", startedAt).append("outbox", List.of()));
                ids.add(sessionId);
            }
            sessionIds.add(new Document("_id", patientId).append("sessionIds", ids));
            seeded.add(new Seeded(UUID.fromString(patientId), UUID.fromString(ids.getFirst())));
        }
        mongo.insert(readModels, "patients");
        mongo.insert(sessions, "sessions");
        mongo.insert(sessionIds, "patientSessions");
        return seeded;
    }
}
