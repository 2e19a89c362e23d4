package dev.knotless.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.knotless.launcher.Service;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Fault test 5 of issue 13: the store stops while everything else runs. Every request through the
 * gateway, write or read, is a 503 problem within 5 s (the services give up on the store after
 * {@code knotless.store.server-selection-timeout}); none of them leaves a write behind; an event that
 * arrives meanwhile waits in Kafka and is applied once the store is back, not dead-lettered; and
 * the system recovers by itself once the store is back, without restarting any service.
 */
class StoreOutageIT {

    private static final List<String> TOPICS = List.of("knotless.intake.v1", "knotless.session.v1", "knotless.outcome.v1");
    /** The 503 problems of a store out of reach: the lookup's, the audit trail's (written before any access), the key store's. */
    private static final Set<String> STORE_DOWN = Set.of("/problems/store-unavailable", "/problems/audit-unavailable",
            "/problems/idempotency-unavailable");
    private static final Duration MOST = Duration.ofSeconds(5);

    private static RunningSystem system;
    private static Http api;
    private static Broker broker;
    private static Metrics metrics;

    @BeforeAll
    static void start() throws Exception {
        system = RunningSystem.start();
        api = new Http(system.gatewayUrl(), system.signIn("therapist-a"));
        metrics = new Metrics(system, system.signIn("operator"));
        broker = new Broker(system.kafkaBootstrapServers());
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
        if (system != null) {
            system.close();
        }
    }

    @Test
    void whileTheStoreIsDownEveryRequestIsRefusedQuicklyNothingIsHalfWrittenAndTheSystemRecoversByItself() {
        // Before: a patient with a cleared intake and a session whose H24 survey is open, with its link.
        String patientId = api.post("/api/patients", Requests.patient("Store", "Outage")).text("patientId");
        assertThat(api.post("/api/patients/" + patientId + "/intake", Requests.intake()).status()).isEqualTo(201);
        String sessionId = await().atMost(Duration.ofSeconds(60)).until(
                () -> api.post("/api/patients/" + patientId + "/sessions", Requests.session(Duration.ofHours(30), false)),
                reply -> reply.status() == 201).text("sessionId");
        String followUpId = UUID.nameUUIDFromBytes(("follow-up:" + sessionId + ":H24").getBytes(StandardCharsets.UTF_8)).toString();
        String token = await().atMost(Duration.ofSeconds(60)).until(
                () -> api.post("/api/follow-ups/" + followUpId + "/survey-link", ""), reply -> reply.status() == 201).text("token");
        String clinicId = api.get("/api/patients/" + patientId).text("clinicId");
        await().atMost(Duration.ofSeconds(60)).until(() -> metrics.sum(Service.INTAKE, "knotless_outbox_pending", null)
                + metrics.sum(Service.SESSION, "knotless_outbox_pending", null) + metrics.sum(Service.OUTCOMES, "knotless_outbox_pending", null) == 0);
        int sessionsBefore = api.get("/api/patients/" + patientId + "/sessions").body().size();
        long deadLetteredBefore = deadLettered();
        Http patientsPhone = new Http(system.gatewayUrl(), null);
        String idempotencyKey = "store-outage-" + UUID.randomUUID();
        String outageName = "Outage-" + UUID.randomUUID();

        system.stopStore();
        long eventsAtStop = broker.endOffsets(TOPICS);

        Map<String, Supplier<Http.Reply>> requests = new LinkedHashMap<>();
        requests.put("POST /api/patients", () -> api.post("/api/patients", Requests.patient("Store", outageName)));
        requests.put("POST /api/patients (Idempotency-Key)", () -> api.post("/api/patients", Requests.patient("Store", outageName + "-keyed"),
                Map.of("Idempotency-Key", idempotencyKey)));
        requests.put("POST /api/patients/{id}/sessions", () -> api.post("/api/patients/" + patientId + "/sessions",
                Requests.session(Duration.ofHours(1), false)));
        requests.put("POST /api/surveys/{token}", () -> patientsPhone.post("/api/surveys/" + token, Requests.surveyAnswer("NONE")));
        requests.put("GET /api/patients/{id}/timeline", () -> api.get("/api/patients/" + patientId + "/timeline"));
        requests.put("GET /api/patients/{id}", () -> api.get("/api/patients/" + patientId));
        requests.put("GET /api/sessions/{id}/follow-ups", () -> api.get("/api/sessions/" + sessionId + "/follow-ups"));
        List<String> answers = new ArrayList<>();
        long slowest = 0;
        int refused = 0;
        for (var request : requests.entrySet()) {
            long began = System.nanoTime();
            Http.Reply reply = request.getValue().get();
            long millis = Duration.ofNanos(System.nanoTime() - began).toMillis();
            slowest = Math.max(slowest, millis);
            answers.add(String.format("%s %d %s in %d ms", request.getKey(), reply.status(), reply.text("type"), millis));
            if (reply.status() == 503 && STORE_DOWN.contains(reply.text("type"))
                    && reply.header("Content-Type") != null && reply.header("Content-Type").startsWith("application/problem+json")) {
                refused++;
            }
        }
        long eventsDuringOutage = broker.endOffsets(TOPICS) - eventsAtStop;
        // An intake event that arrives while the store is down (sent as intake-service would; after the requests, so that
        // session-service's safety gate, which would call it unread, does not answer them first). Both consumers need the
        // store for it: they retry it, holding the partition.
        String lateAssessmentId = UUID.randomUUID().toString();
        broker.send("knotless.intake.v1", patientId, intakeCompleted(patientId, clinicId, lateAssessmentId));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(
                () -> metrics.sum(Service.SESSION, "knotless_messaging_consumer_retrying_seconds", null) > 0
                        && metrics.sum(Service.OUTCOMES, "knotless_messaging_consumer_retrying_seconds", null) > 0);

        Instant restarted = Instant.now();
        system.startStore();
        // Recovers by itself: no service restarted.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("/api/patients/" + patientId + "/timeline").status() == 200);
        long readsBackAfter = Duration.between(restarted, Instant.now()).toMillis();

        // Nothing half written: no session, the survey still open and its link still good, the key never taken.
        int sessionsAfter = api.get("/api/patients/" + patientId + "/sessions").body().size();
        String surveyStatus = followUpStatus(sessionId, followUpId);
        Http.Reply keyed = api.post("/api/patients", Requests.patient("Store", outageName + "-keyed"), Map.of("Idempotency-Key", idempotencyKey));
        Http.Reply answered = patientsPhone.post("/api/surveys/" + token, Requests.surveyAnswer("NONE"));
        String sessionAfter = await().atMost(Duration.ofSeconds(30)).until(
                () -> api.post("/api/patients/" + patientId + "/sessions", Requests.session(Duration.ofHours(1), false)),
                reply -> reply.status() == 201).text("sessionId");
        long writesBackAfter = Duration.between(restarted, Instant.now()).toMillis();
        // The event that arrived during the outage, applied once the store was back; nothing dead-lettered.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode timeline = api.get("/api/patients/" + patientId + "/timeline").body();
            assertThat(ids(timeline, "INTAKE")).contains(lateAssessmentId);
            assertThat(ids(timeline, "SESSION")).contains(sessionAfter);
        });
        long lateOnTimeline = ids(api.get("/api/patients/" + patientId + "/timeline").body(), "INTAKE").stream()
                .filter(lateAssessmentId::equals).count();
        long deadLettered = deadLettered() - deadLetteredBefore;

        System.out.printf("[measure] store down: %d requests submitted, %d refused with a 503 problem, slowest %d ms (%s); %d events"
                        + " published by refused writes; after the store was back: reads answered after %d ms, writes after %d ms, %d sessions"
                        + " written by the refused one, survey %s, keyed registration %d (replayed: %s), the event sent during the outage"
                        + " applied %d time(s), %d dead-lettered%n",
                requests.size(), refused, slowest, String.join("; ", answers), eventsDuringOutage, readsBackAfter, writesBackAfter,
                sessionsAfter - sessionsBefore, surveyStatus, keyed.status(), keyed.header("Idempotent-Replayed"), lateOnTimeline, deadLettered);

        assertThat(refused).as(String.join("; ", answers)).isEqualTo(requests.size());
        assertThat(slowest).as("the slowest refusal, ms").isLessThanOrEqualTo(MOST.toMillis());
        assertThat(eventsDuringOutage).isZero();
        assertThat(sessionsAfter).isEqualTo(sessionsBefore);
        assertThat(surveyStatus).isEqualTo("OPEN");
        assertThat(keyed.status()).isEqualTo(201);
        assertThat(keyed.header("Idempotent-Replayed")).isNull();
        assertThat(answered.status()).isEqualTo(201);
        assertThat(lateOnTimeline).isEqualTo(1);
        assertThat(deadLettered).isZero();
    }

    private static String followUpStatus(String sessionId, String followUpId) {
        for (JsonNode followUp : api.get("/api/sessions/" + sessionId + "/follow-ups").body()) {
            if (followUp.path("followUpId").asString().equals(followUpId)) {
                return followUp.path("status").asString();
            }
        }
        return null;
    }

    /** knotless_messaging_dead_lettered_total of both consuming services, all topics. */
    private static long deadLettered() {
        return Math.round(metrics.sum(Service.SESSION, "knotless_messaging_dead_lettered_total", null)
                + metrics.sum(Service.OUTCOMES, "knotless_messaging_dead_lettered_total", null));
    }

    /** A second cleared intake of the patient, as intake-service publishes one. */
    private static String intakeCompleted(String patientId, String clinicId, String assessmentId) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("assessmentId", assessmentId);
        payload.put("assessedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(2)).toString());
        payload.put("therapistId", "store-outage-drill");
        payload.put("complaints", List.of(Map.of("bodyRegion", "SHOULDER", "side", "RIGHT")));
        payload.put("painNprs", 5);
        payload.put("needlingClearance", "CLEARED");
        payload.put("reasons", List.of());
        payload.put("rom", List.of());
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("eventId", UUID.randomUUID().toString());
        envelope.put("type", "IntakeCompleted");
        envelope.put("schemaVersion", 1);
        envelope.put("occurredAt", Instant.now().toString());
        envelope.put("patientId", patientId);
        envelope.put("clinicId", clinicId);
        envelope.put("payload", payload);
        return Http.JSON.writeValueAsString(envelope);
    }

    private static List<String> ids(JsonNode timeline, String type) {
        return StreamSupport.stream(timeline.path("entries").spliterator(), false)
                .filter(entry -> entry.path("type").asString().equals(type))
                .map(entry -> entry.path("id").asString()).toList();
    }
}
