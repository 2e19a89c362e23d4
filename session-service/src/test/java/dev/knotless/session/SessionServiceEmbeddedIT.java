package dev.knotless.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
    KafkaListenerEndpointRegistry listeners;

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

    private static long reads(Runnable operation) {
        return DocumentReads.during(DATABASE, operation);
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
