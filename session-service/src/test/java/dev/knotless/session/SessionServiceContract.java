package dev.knotless.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload;
import dev.knotless.events.EventPayload.AlertAcknowledged;
import dev.knotless.events.EventPayload.AlertRaised;
import dev.knotless.events.EventPayload.IntakeCompleted;
import dev.knotless.events.EventPayload.PatientRegistered;
import dev.knotless.events.EventPayload.SessionRecorded;
import dev.knotless.events.Topics;
import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.AlertRule;
import dev.knotless.events.Vocabulary.NeedlingClearance;
import dev.knotless.platform.messaging.DeadLetterObserver;
import dev.knotless.platform.messaging.EventCodec;
import dev.knotless.session.patient.PatientReadModel;
import dev.knotless.session.patient.PatientSnapshot;
import dev.knotless.session.safety.ReadModelFreshness;
import dev.knotless.session.safety.SafetyDataFreshness;
import dev.knotless.testsupport.EventProbe;
import dev.knotless.testsupport.MutableClock;
import dev.knotless.testsupport.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.web.servlet.client.RestTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What session-service promises, whatever broker and store it runs on. Intake and outcome events
 * are published the way intake-service and outcomes-service publish them (String records keyed by
 * patientId, encoded with the EventCodec); every test uses its own patients.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SessionServiceContract {

    private static final Duration READ_MODEL_CATCH_UP = Duration.ofSeconds(30);

    /** Sends no token. */
    @Autowired
    RestTestClient anonymous;
    /** With therapist-a's token (clinic-a, the clinic of the events the tests publish). */
    RestTestClient http;
    TestTokens tokens;
    @Autowired
    KafkaTemplate<String, String> kafka;
    @Autowired
    EventCodec codec;
    @Autowired
    MutableClock clock;
    @Autowired
    PatientReadModel patients;
    @Autowired
    ReadModelFreshness safetyData;
    @Autowired
    MongoTemplate mongo;
    @Autowired
    KafkaConnectionDetails kafkaConnection;
    @Autowired
    @Qualifier("sessionIdsBackfill")
    InitializingBean sessionIdsBackfill;

    EventProbe sessionEvents;
    EventProbe intakeDeadLetters;
    EventProbe outcomeDeadLetters;

    @BeforeAll
    void therapistOfClinicA() {
        tokens = new TestTokens(clock);
        http = anonymous.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, TestTokens.bearer(tokens.therapist("clinic-a"))).build();
    }

    /**
     * A service that has not yet confirmed its read model current refuses every session (503
     * safety-data-stale); its first check runs at start and takes a moment against the broker.
     */
    @BeforeAll
    void awaitSafetyDataConfirmedCurrent() {
        await("the read model confirmed current").atMost(READ_MODEL_CATCH_UP)
                .until(() -> safetyData.now() instanceof SafetyDataFreshness.Current);
    }

    @BeforeAll
    void openProbes() {
        String servers = String.join(",", kafkaConnection.getBootstrapServers());
        sessionEvents = new EventProbe(servers, Topics.SESSION);
        intakeDeadLetters = new EventProbe(servers, Topics.deadLetterOf(Topics.INTAKE));
        outcomeDeadLetters = new EventProbe(servers, Topics.deadLetterOf(Topics.OUTCOME));
    }

    @AfterAll
    void closeProbes() {
        sessionEvents.close();
        intakeDeadLetters.close();
        outcomeDeadLetters.close();
    }

    @Test
    void aClearedPatientsSessionIsRecordedAndPublishedKeyedByPatientId() {
        UUID patientId = patientWithIntake(NeedlingClearance.CLEARED);

        JsonNode session = postSession(patientId, session(false, false).replace("\"notes\": \"\"", "\"notes\": \"kept-local-7f3a\""))
                .expectStatus().isCreated()
                .expectHeader().value("Location", location -> assertThat(location).startsWith("/api/sessions/"))
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        UUID sessionId = UUID.fromString(session.get("sessionId").asString());
        assertThat(session.get("patientId").asString()).isEqualTo(patientId.toString());
        assertThat(session.get("needlingClearance").asString()).isEqualTo("CLEARED");

        EventEnvelope event = sessionEvents.await(SessionRecorded.class,
                e -> ((SessionRecorded) e.payload()).sessionId().equals(sessionId));
        assertThat(event.patientId()).isEqualTo(patientId);
        assertThat(event.clinicId()).isEqualTo("clinic-a");
        var recorded = (SessionRecorded) event.payload();
        assertThat(recorded.therapistId()).as("the token's subject").isEqualTo("therapist-a");
        assertThat(recorded.startedAt()).isEqualTo(Instant.parse("2026-11-20T14:00:00Z"));
        assertThat(recorded.endedAt()).isEqualTo(Instant.parse("2026-11-20T14:45:00Z"));
        assertThat(recorded.needling()).singleElement().satisfies(site -> {
            assertThat(site.muscle()).isEqualTo("UPPER_TRAPEZIUS");
            assertThat(site.needles()).isEqualTo(2);
            assertThat(site.twitchResponse()).isTrue();
        });
        assertThat(recorded.adjuncts()).containsExactly("STRETCHING", "MANUAL_THERAPY");
        assertThat(recorded.painBefore()).isEqualTo(6);
        assertThat(recorded.painAfter()).isEqualTo(4);
        assertThat(recorded.rom()).extracting(EventPayload.RomReading::degrees).containsExactly(125, 140);

        ConsumerRecord<String, String> record = sessionEvents.records().stream()
                .filter(r -> r.value().contains(sessionId.toString())).findFirst().orElseThrow();
        assertThat(record.key()).isEqualTo(patientId.toString());
        assertThat(record.value()).doesNotContain("kept-local-7f3a");

        http.get().uri("/api/sessions/{sessionId}", sessionId).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.notes").isEqualTo("kept-local-7f3a");
        await().atMost(READ_MODEL_CATCH_UP).until(() -> mongo.findById(sessionId.toString(), Document.class, "sessions")
                .getList("outbox", Document.class).isEmpty());
    }

    @Test
    void aContraindicatedPatientIsRefusedWith422AndNoSessionIsStored() {
        UUID patientId = patientWithIntake(NeedlingClearance.CONTRAINDICATED, "BLEEDING_DISORDER");

        postSession(patientId, session(true, true))
                .expectStatus().isEqualTo(422)
                .expectBody()
                .jsonPath("$.type").isEqualTo("/problems/contraindicated")
                .jsonPath("$.reasons").isEqualTo(List.of("BLEEDING_DISORDER"));

        assertThat(mongo.count(Query.query(Criteria.where("patientId").is(patientId.toString())), "sessions")).isZero();
        http.get().uri("/api/patients/{patientId}/sessions", patientId).exchange()
                .expectStatus().isOk()
                .expectBody().json("[]");
    }

    @Test
    void aPrecautionNeedsToBeAcknowledged() {
        UUID patientId = patientWithIntake(NeedlingClearance.PRECAUTION, "PREGNANT");

        postSession(patientId, session(false, false))
                .expectStatus().isEqualTo(422)
                .expectBody()
                .jsonPath("$.type").isEqualTo("/problems/precaution-not-acknowledged")
                .jsonPath("$.reasons").isEqualTo(List.of("PREGNANT"));

        postSession(patientId, session(true, false))
                .expectStatus().isCreated()
                .expectBody().jsonPath("$.precautionAcknowledged").isEqualTo(true);
    }

    @Test
    void aPatientWithoutIntakeIsRefusedWith409() {
        UUID patientId = UUID.randomUUID();
        publish(EventEnvelope.of(clock.instant(), patientId, "clinic-a", new PatientRegistered(clock.instant())));
        await().atMost(READ_MODEL_CATCH_UP).until(() -> patients.clinicOf(patientId).isPresent());

        postSession(patientId, session(true, true))
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("/problems/intake-required");
    }

    @Test
    void aPatientNeverSeenIsNotFound() {
        UUID patientId = UUID.randomUUID();

        postSession(patientId, session(false, false))
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/patient-not-found");
        http.get().uri("/api/patients/{patientId}/sessions", patientId).exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/patient-not-found");
        http.get().uri("/api/sessions/{sessionId}", UUID.randomUUID()).exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/session-not-found");
    }

    @Test
    void anIntakeArrivingBeforeTheRegistrationIsEnough() {
        UUID patientId = UUID.randomUUID();
        publish(intake(patientId, Instant.parse("2026-11-18T14:00:00Z"), NeedlingClearance.CLEARED));
        awaitClearance(patientId, NeedlingClearance.CLEARED);
        publish(EventEnvelope.of(clock.instant(), patientId, "clinic-a", new PatientRegistered(clock.instant())));

        postSession(patientId, session(false, false)).expectStatus().isCreated();
    }

    @Test
    void aSignificantAdverseEventBlocksSessionsUntilReviewedForOneSessionOrAcknowledged() {
        UUID patientId = patientWithIntake(NeedlingClearance.CLEARED);
        UUID firstSession = sessionIdOf(postSession(patientId, session(false, false)).expectStatus().isCreated());
        UUID alertId = UUID.randomUUID();
        publish(EventEnvelope.of(clock.instant(), patientId, "clinic-a",
                new AlertRaised(alertId, AlertLevel.HIGH, AlertRule.SIGNIFICANT_ADVERSE_EVENT, firstSession, UUID.randomUUID(), null)));
        awaitPatient(patientId, p -> !p.openAdverseEvents().isEmpty());

        postSession(patientId, session(false, false))
                .expectStatus().isEqualTo(409)
                .expectBody()
                .jsonPath("$.type").isEqualTo("/problems/adverse-event-review-required")
                .jsonPath("$.alertIds").isEqualTo(List.of(alertId.toString()));

        postSession(patientId, session(false, true))
                .expectStatus().isCreated()
                .expectBody().jsonPath("$.adverseEventReviewed").isEqualTo(true);

        postSession(patientId, session(false, false)).expectStatus().isEqualTo(409);

        publish(EventEnvelope.of(clock.instant(), patientId, "clinic-a", new AlertAcknowledged(alertId, "t-1")));
        awaitPatient(patientId, p -> p.openAdverseEvents().isEmpty());

        postSession(patientId, session(false, false)).expectStatus().isCreated();
    }

    @Test
    void alertsOfOtherRulesDoNotBlockSessions() {
        UUID patientId = patientWithIntake(NeedlingClearance.CLEARED);
        EventEnvelope highSoreness = EventEnvelope.of(clock.instant(), patientId, "clinic-a",
                new AlertRaised(UUID.randomUUID(), AlertLevel.HIGH, AlertRule.HIGH_SORENESS, UUID.randomUUID(), UUID.randomUUID(), null));
        publish(highSoreness);
        // Same topic and key after it: once this is applied, the alert before it was consumed.
        EventEnvelope marker = EventEnvelope.of(clock.instant(), patientId, "clinic-a", new AlertAcknowledged(UUID.randomUUID(), "t-1"));
        publish(marker);
        Document patient = await().atMost(READ_MODEL_CATCH_UP)
                .until(() -> mongo.findById(patientId.toString(), Document.class, "patients"),
                        document -> document.getList("appliedEventIds", String.class).contains(marker.eventId().toString()));
        assertThat(patient.getList("appliedEventIds", String.class)).doesNotContain(highSoreness.eventId().toString());

        postSession(patientId, session(false, false)).expectStatus().isCreated();
    }

    @Test
    void theSameIntakeCompletedDeliveredTwiceIsAppliedOnce() {
        UUID patientId = UUID.randomUUID();
        EventEnvelope intake = intake(patientId, Instant.parse("2026-11-18T14:00:00Z"), NeedlingClearance.CLEARED);
        publish(intake);
        publish(intake);
        EventEnvelope registered = EventEnvelope.of(clock.instant(), patientId, "clinic-a", new PatientRegistered(clock.instant()));
        publish(registered);

        // Same topic, same key: once the registration is applied, both deliveries of the intake were consumed.
        Document patient = await().atMost(READ_MODEL_CATCH_UP)
                .until(() -> mongo.findById(patientId.toString(), Document.class, "patients"),
                        document -> document != null && document.get("registeredAt") != null);
        assertThat(patient.getList("appliedEventIds", String.class))
                .containsExactlyInAnyOrder(intake.eventId().toString(), registered.eventId().toString());
        assertThat(patient.get("version", Number.class).longValue())
                .as("one insert and one update: the duplicate was not written").isEqualTo(1L);
    }

    @Test
    void anUndecodableMessageIsDeadLetteredAndTheNextMessageIsStillProcessed() {
        UUID patientId = UUID.randomUUID();
        String poison = "not json " + UUID.randomUUID();
        send(Topics.INTAKE, patientId.toString(), poison);
        publish(intake(patientId, Instant.parse("2026-11-18T14:00:00Z"), NeedlingClearance.CLEARED));

        ConsumerRecord<String, String> deadLetter = await().atMost(READ_MODEL_CATCH_UP)
                .until(() -> intakeDeadLetters.records().stream().filter(r -> poison.equals(r.value())).findFirst(), Optional::isPresent)
                .orElseThrow();
        assertThat(deadLetter.key()).isEqualTo(patientId.toString());
        assertThat(deadLetter.headers().lastHeader("kafka_dlt-original-topic").value()).asString().isEqualTo(Topics.INTAKE);
        awaitClearance(patientId, NeedlingClearance.CLEARED);
    }

    @Test
    void aDeadLetteredEventHoldsThePatientsSessionsUntilItsReplayIsApplied() {
        UUID patientId = patientWithIntake(NeedlingClearance.CLEARED);
        String poison = "not json " + UUID.randomUUID();
        send(Topics.INTAKE, patientId.toString(), poison);
        ConsumerRecord<String, String> deadLetter = await().atMost(READ_MODEL_CATCH_UP)
                .until(() -> intakeDeadLetters.records().stream().filter(r -> poison.equals(r.value())).findFirst(), Optional::isPresent)
                .orElseThrow();
        Instant endedAt = clock.instant().minus(Duration.ofHours(1));
        String body = session(endedAt.minus(Duration.ofMinutes(45)), endedAt, false, false);

        // The consumer moved past the letter, so the read model counts as current; the letter may have been a contraindication.
        postSession(patientId, body).expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.type").isEqualTo("/problems/safety-data-unreadable").jsonPath("$.deadLetters").isEqualTo(1);
        assertThat(mongo.count(Query.query(Criteria.where("patientId").is(patientId.toString())), "sessions")).isZero();

        // The operator fixes the cause and replays the letter (./knotless dlt replay): here it comes back readable.
        String original = DeadLetterObserver.coordinates(Topics.INTAKE,
                java.nio.ByteBuffer.wrap(deadLetter.headers().lastHeader("kafka_dlt-original-partition").value()).getInt(),
                java.nio.ByteBuffer.wrap(deadLetter.headers().lastHeader("kafka_dlt-original-offset").value()).getLong());
        var replayed = new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.INTAKE, patientId.toString(),
                codec.encode(intake(patientId, Instant.parse("2026-11-19T14:00:00Z"), NeedlingClearance.CLEARED)));
        replayed.headers().add(DeadLetterObserver.DEAD_LETTER_OF, original.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
            kafka.send(replayed).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not replay", e);
        }

        await().atMost(READ_MODEL_CATCH_UP).untilAsserted(() -> postSession(patientId, body).expectStatus().isCreated());
    }

    @Test
    void aLetterThatCannotBeFixedHoldsThePatientUntilANewIntakeScreensThePatientAgain() {
        UUID patientId = patientWithIntake(NeedlingClearance.CLEARED);
        String garbage = "garbage " + UUID.randomUUID();
        send(Topics.OUTCOME, patientId.toString(), garbage);
        await().atMost(READ_MODEL_CATCH_UP).until(() -> outcomeDeadLetters.records().stream().anyMatch(r -> garbage.equals(r.value())));
        Instant endedAt = clock.instant().minus(Duration.ofHours(1));
        String body = session(endedAt.minus(Duration.ofMinutes(45)), endedAt, false, false);
        postSession(patientId, body).expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.type").isEqualTo("/problems/safety-data-unreadable");

        clock.advance(Duration.ofSeconds(1)); // the new screening comes after the letter was set aside
        publish(intake(patientId, clock.instant(), NeedlingClearance.CLEARED));

        await().atMost(READ_MODEL_CATCH_UP).untilAsserted(() -> postSession(patientId, body).expectStatus().isCreated());
    }

    @Test
    void aKeyedSessionCarriedOutAgainAfterItsKeyWasLostFindsTheFirstSession() {
        UUID patientId = patientWithIntake(NeedlingClearance.CLEARED);
        String key = UUID.randomUUID().toString();
        Instant endedAt = clock.instant().minus(Duration.ofHours(2));
        String body = session(endedAt.minus(Duration.ofMinutes(45)), endedAt, false, false);
        UUID first = sessionIdOf(postSession(patientId, body, key).expectStatus().isCreated());
        // A crash between the session's write and the key's completion: the key is as if never claimed.
        mongo.remove(new Query(), "idempotency_keys");

        UUID again = sessionIdOf(postSession(patientId, body, key).expectStatus().isCreated()
                .expectHeader().doesNotExist("Idempotent-Replayed"));

        assertThat(again).isEqualTo(first);
        assertThat(mongo.count(Query.query(Criteria.where("patientId").is(patientId.toString())), "sessions")).isEqualTo(1);
    }

    @Test
    void aSessionThatEndedThirtyHoursAgoIsAccepted() {
        UUID patientId = patientWithIntake(NeedlingClearance.CLEARED);
        Instant endedAt = clock.instant().minus(Duration.ofHours(30));

        postSession(patientId, session(endedAt.minus(Duration.ofMinutes(45)), endedAt, false, false))
                .expectStatus().isCreated()
                .expectBody().jsonPath("$.endedAt").isEqualTo(endedAt.toString());
    }

    @Test
    void aSessionEndingInTheFutureIsRefused() {
        UUID patientId = patientWithIntake(NeedlingClearance.CLEARED);
        Instant endedAt = clock.instant().plusSeconds(60);

        postSession(patientId, session(endedAt.minus(Duration.ofMinutes(45)), endedAt, false, false))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("endedAt");
        assertThat(mongo.count(Query.query(Criteria.where("patientId").is(patientId.toString())), "sessions")).isZero();
    }

    @Test
    void aPatientsSessionsAreListedByStartedAt() {
        UUID patientId = patientWithIntake(NeedlingClearance.CLEARED);
        Instant now = clock.instant();
        UUID later = sessionIdOf(postSession(patientId, session(now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1)), false, false))
                .expectStatus().isCreated());
        UUID earlier = sessionIdOf(postSession(patientId, session(now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(3)).plusSeconds(1800), false, false))
                .expectStatus().isCreated());

        http.get().uri("/api/patients/{patientId}/sessions", patientId).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$[*].sessionId").isEqualTo(List.of(earlier.toString(), later.toString()));
    }

    @Test
    void aPatientsSessionIdsAreKeptApartFromItsReadModel() {
        UUID patientId = patientWithIntake(NeedlingClearance.CLEARED);
        long readModelVersion = mongo.findById(patientId.toString(), Document.class, "patients").get("version", Number.class).longValue();

        UUID first = sessionIdOf(postSession(patientId, session(false, false)).expectStatus().isCreated());
        UUID second = sessionIdOf(postSession(patientId, session(false, false)).expectStatus().isCreated());

        assertThat(mongo.findById(patientId.toString(), Document.class, "patientSessions").getList("sessionIds", String.class))
                .containsExactly(first.toString(), second.toString());
        Document readModel = mongo.findById(patientId.toString(), Document.class, "patients");
        assertThat(readModel.get("version", Number.class).longValue()).as("a session does not touch the read model").isEqualTo(readModelVersion);
        assertThat(readModel).doesNotContainKey("sessionIds");
    }

    @Test
    void anIdWhoseSessionWasNeverStoredIsNotListed() {
        // What a stop between adding the id and inserting the session leaves behind.
        UUID patientId = patientWithIntake(NeedlingClearance.CLEARED);
        UUID recorded = sessionIdOf(postSession(patientId, session(false, false)).expectStatus().isCreated());
        mongo.updateFirst(Query.query(Criteria.where("_id").is(patientId.toString())),
                new Update().addToSet("sessionIds", UUID.randomUUID().toString()), "patientSessions");

        http.get().uri("/api/patients/{patientId}/sessions", patientId).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$[*].sessionId").isEqualTo(List.of(recorded.toString()));
    }

    @Test
    void concurrentSessionsOfOnePatientAreAllStoredAndListed() throws Exception {
        UUID patientId = patientWithIntake(NeedlingClearance.CLEARED);
        Instant now = clock.instant();

        List<Callable<Object>> requests = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Instant startedAt = now.minus(Duration.ofHours(20 - i));
            requests.add(() -> postSession(patientId, session(startedAt, startedAt.plus(Duration.ofMinutes(30)), false, false))
                    .expectStatus().isCreated());
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(5)) {
            for (Future<Object> created : pool.invokeAll(requests)) {
                created.get(); // rethrows a failed expectation
            }
        }

        List<String> listed = http.get().uri("/api/patients/{patientId}/sessions", patientId).exchange()
                .expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody()
                .values().stream().map(session -> session.get("startedAt").asString()).toList();
        assertThat(listed).hasSize(10).isSortedAccordingTo(Comparator.comparing(Instant::parse));
    }

    @Test
    void sessionsStoredBeforePatientsHeldTheirIdsAreFoundAgainAfterTheBackfill() throws Exception {
        UUID patientId = patientWithIntake(NeedlingClearance.CLEARED);
        UUID recorded = sessionIdOf(postSession(patientId, session(false, false)).expectStatus().isCreated());
        // As stored before this version: no patientSessions document.
        mongo.remove(Query.query(Criteria.where("_id").is(patientId.toString())), "patientSessions");
        http.get().uri("/api/patients/{patientId}/sessions", patientId).exchange().expectBody().json("[]");

        mongo.remove(Query.query(Criteria.where("_id").is("session-ids-by-patient")), "migrations");
        sessionIdsBackfill.afterPropertiesSet();

        http.get().uri("/api/patients/{patientId}/sessions", patientId).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$[*].sessionId").isEqualTo(List.of(recorded.toString()));
        assertThat(mongo.findById("session-ids-by-patient", Document.class, "migrations")).isNotNull();
    }

    // --- helpers -------------------------------------------------------------------------------

    @Test
    void aSessionSentTwiceWithTheSameIdempotencyKeyIsRecordedAndPublishedOnce() {
        UUID patientId = patientWithIntake(NeedlingClearance.CLEARED);
        String key = UUID.randomUUID().toString();
        String body = session(false, false);

        var first = postSession(patientId, body, key).expectStatus().isCreated()
                .expectHeader().doesNotExist("Idempotent-Replayed")
                .expectBody(String.class).returnResult();
        var retry = postSession(patientId, body, key).expectStatus().isCreated()
                .expectHeader().valueEquals("Idempotent-Replayed", "true")
                .expectBody(String.class).returnResult();
        assertThat(retry.getResponseBody()).isEqualTo(first.getResponseBody());
        assertThat(retry.getResponseHeaders().getLocation()).isEqualTo(first.getResponseHeaders().getLocation());
        postSession(patientId, session(true, false), key).expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.type").isEqualTo("/problems/idempotency-key-reused");

        UUID sessionId = UUID.fromString(JsonMapper.shared().readTree(first.getResponseBody())
                .get("sessionId").asString());
        sessionEvents.await(SessionRecorded.class, e -> ((SessionRecorded) e.payload()).sessionId().equals(sessionId));
        assertThat(mongo.findById(patientId.toString(), Document.class, "patientSessions").getList("sessionIds", String.class))
                .as("one session for the patient").containsExactly(sessionId.toString());
        assertThat(sessionEvents.eventsOf(SessionRecorded.class, patientId)).as("one SessionRecorded").hasSize(1);
    }

    UUID patientWithIntake(NeedlingClearance clearance, String... reasons) {
        UUID patientId = UUID.randomUUID();
        publish(EventEnvelope.of(clock.instant(), patientId, "clinic-a", new PatientRegistered(clock.instant())));
        publish(intake(patientId, Instant.parse("2026-11-18T14:00:00Z"), clearance, reasons));
        awaitClearance(patientId, clearance);
        return patientId;
    }

    EventEnvelope intake(UUID patientId, Instant assessedAt, NeedlingClearance clearance, String... reasons) {
        return EventEnvelope.of(clock.instant(), patientId, "clinic-a", new IntakeCompleted(UUID.randomUUID(), assessedAt, "t-1",
                List.of(), 6, clearance, List.of(reasons), List.of()));
    }

    void awaitClearance(UUID patientId, NeedlingClearance clearance) {
        awaitPatient(patientId, p -> p.latestIntake().map(PatientSnapshot.Intake::needlingClearance).orElse(null) == clearance);
    }

    private void awaitPatient(UUID patientId, Predicate<PatientSnapshot> condition) {
        await().atMost(READ_MODEL_CATCH_UP).until(() -> patients.find(patientId).filter(condition).isPresent());
    }

    void publish(EventEnvelope event) {
        send(event.topic(), event.key(), codec.encode(event));
    }

    private void send(String topic, String key, String value) {
        try {
            kafka.send(topic, key, value).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not publish to " + topic, e);
        }
    }

    RestTestClient.ResponseSpec postSession(UUID patientId, String body) {
        return http.post().uri("/api/patients/{patientId}/sessions", patientId)
                .contentType(MediaType.APPLICATION_JSON)
                .body(body)
                .exchange();
    }

    RestTestClient.ResponseSpec postSession(UUID patientId, String body, String idempotencyKey) {
        return http.post().uri("/api/patients/{patientId}/sessions", patientId)
                .header("Idempotency-Key", idempotencyKey)
                .contentType(MediaType.APPLICATION_JSON)
                .body(body)
                .exchange();
    }

    static UUID sessionIdOf(RestTestClient.ResponseSpec created) {
        JsonNode session = created.expectBody(JsonNode.class).returnResult().getResponseBody();
        return UUID.fromString(session.get("sessionId").asString());
    }

    String session(boolean precautionAcknowledged, boolean adverseEventReviewed) {
        return session(Instant.parse("2026-11-20T14:00:00Z"), Instant.parse("2026-11-20T14:45:00Z"), precautionAcknowledged, adverseEventReviewed);
    }

    static String session(Instant startedAt, Instant endedAt, boolean precautionAcknowledged, boolean adverseEventReviewed) {
        return """
                { "startedAt": "%s", "endedAt": "%s",
                  "needling": [ { "muscle": "UPPER_TRAPEZIUS", "side": "RIGHT", "technique": "DEEP",
                                  "needles": 2, "dwellSeconds": 60, "twitchResponse": true } ],
                  "adjuncts": ["STRETCHING", "MANUAL_THERAPY"],
                  "painBefore": 6, "painAfter": 4,
                  "rom": [ { "joint": "SHOULDER", "movement": "FLEXION", "side": "RIGHT", "degrees": 125, "phase": "PRE" },
                           { "joint": "SHOULDER", "movement": "FLEXION", "side": "RIGHT", "degrees": 140, "phase": "POST" } ],
                  "precautionAcknowledged": %s, "adverseEventReviewed": %s, "notes": "" }
                """.formatted(startedAt, endedAt, precautionAcknowledged, adverseEventReviewed);
    }
}
