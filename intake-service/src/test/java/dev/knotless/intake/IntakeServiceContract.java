package dev.knotless.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload.AssessmentRecorded;
import dev.knotless.events.EventPayload.Complaint;
import dev.knotless.events.EventPayload.IntakeCompleted;
import dev.knotless.events.EventPayload.PatientRegistered;
import dev.knotless.events.EventPayload.RomReading;
import dev.knotless.events.Topics;
import dev.knotless.events.Vocabulary.AssessmentKind;
import dev.knotless.events.Vocabulary.BodyRegion;
import dev.knotless.events.Vocabulary.Joint;
import dev.knotless.events.Vocabulary.Movement;
import dev.knotless.events.Vocabulary.NeedlingClearance;
import dev.knotless.events.Vocabulary.Side;
import dev.knotless.testsupport.EventProbe;
import dev.knotless.testsupport.MutableClock;
import dev.knotless.testsupport.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
import org.springframework.test.web.servlet.client.RestTestClient;
import tools.jackson.databind.JsonNode;

/**
 * What intake-service promises, whatever broker and store it runs on: patients, intakes and
 * re-assessments are stored and their events reach {@code knotless.intake.v1} keyed by patientId,
 * through the outbox. Every test registers its own patients. Requests are made as therapist-a of
 * clinic-a ({@link #http}) unless a test says otherwise ({@link #as}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class IntakeServiceContract {

    private static final Duration RELAY = Duration.ofSeconds(15);

    /** Sends no token: the requests as the client sends them. */
    @Autowired
    RestTestClient anonymous;
    /** With therapist-a's token (clinic-a). */
    RestTestClient http;
    TestTokens tokens;
    @Autowired
    MongoTemplate mongo;
    @Autowired
    MutableClock clock;
    @Autowired
    @Qualifier("assessmentIdsBackfill")
    InitializingBean assessmentIdsBackfill;
    /** The servers the service itself uses: spring.kafka.bootstrap-servers, or the container's with @ServiceConnection. */
    @Autowired
    KafkaConnectionDetails kafkaConnection;

    EventProbe intakeEvents;

    @BeforeAll
    void openProbe() {
        tokens = new TestTokens(clock);
        http = withToken(tokens.therapist("clinic-a"));
        intakeEvents = new EventProbe(String.join(",", kafkaConnection.getBootstrapServers()), Topics.INTAKE);
    }

    @AfterAll
    void closeProbe() {
        intakeEvents.close();
    }

    @Test
    void aRegisteredPatientAnswers201WithItsLocationAndCanBeRead() {
        JsonNode created = register(PATIENT.formatted("clinic-a", "Patient-A"))
                .expectStatus().isCreated()
                .expectHeader().value("Location", location -> assertThat(location).matches("/api/patients/[0-9a-f-]{36}"))
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        String patientId = created.get("patientId").asString();
        assertThat(created.get("registeredAt").asString()).isEqualTo(TestClockConfig.NOW);

        http.get().uri("/api/patients/{patientId}", patientId).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.patientId").isEqualTo(patientId)
                .jsonPath("$.clinicId").isEqualTo("clinic-a")
                .jsonPath("$.givenName").isEqualTo("Test")
                .jsonPath("$.familyName").isEqualTo("Patient-A")
                .jsonPath("$.dateOfBirth").isEqualTo("1980-04-02")
                .jsonPath("$.email").isEqualTo("patient-a@example.org")
                .jsonPath("$.phone").isEqualTo("+41 44 123 45 67")
                .jsonPath("$.registeredAt").isEqualTo(TestClockConfig.NOW)
                .jsonPath("$.outbox").doesNotExist();
    }

    @Test
    void aRegistrationSentTwiceWithTheSameIdempotencyKeyCreatesOnePatientAndOneEvent() {
        String clinic = "clinic-idem-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        String body = PATIENT.formatted(clinic, "Patient-A");

        var first = registerWithKey(clinic, body, key).expectStatus().isCreated()
                .expectHeader().doesNotExist("Idempotent-Replayed")
                .expectBody(String.class).returnResult();
        var retry = registerWithKey(clinic, body, key).expectStatus().isCreated()
                .expectHeader().valueEquals("Idempotent-Replayed", "true")
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody(String.class).returnResult();
        assertThat(retry.getResponseBody()).isEqualTo(first.getResponseBody());
        assertThat(retry.getResponseHeaders().getLocation()).isNotNull().isEqualTo(first.getResponseHeaders().getLocation());
        registerWithKey(clinic, PATIENT.formatted(clinic, "Patient-B"), key).expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.type").isEqualTo("/problems/idempotency-key-reused");

        UUID patientId = UUID.fromString(first.getResponseHeaders().getLocation().getPath().replace("/api/patients/", ""));
        intakeEvents.await(PatientRegistered.class, e -> e.patientId().equals(patientId));
        assertThat(mongo.count(Query.query(Criteria.where("clinicId").is(clinic)), "patients")).as("one patient").isEqualTo(1);
        assertThat(intakeEvents.events()).filteredOn(e -> e.clinicId().equals(clinic)).as("one PatientRegistered").hasSize(1);
    }

    @Test
    void aKeyedRegistrationCarriedOutAgainAfterItsKeyWasLostFindsTheFirstPatient() {
        String clinic = "clinic-idem-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        String body = PATIENT.formatted(clinic, "Patient-A");
        var first = registerWithKey(clinic, body, key).expectStatus().isCreated().expectBody(String.class).returnResult();
        // A crash between the patient's write and the key's completion: the key is as if never claimed.
        mongo.remove(new Query(), "idempotency_keys");

        var again = registerWithKey(clinic, body, key).expectStatus().isCreated()
                .expectHeader().doesNotExist("Idempotent-Replayed")
                .expectBody(String.class).returnResult();

        assertThat(again.getResponseHeaders().getLocation()).as("the same patient").isEqualTo(first.getResponseHeaders().getLocation());
        UUID patientId = UUID.fromString(first.getResponseHeaders().getLocation().getPath().replace("/api/patients/", ""));
        intakeEvents.await(PatientRegistered.class, e -> e.patientId().equals(patientId));
        assertThat(mongo.count(Query.query(Criteria.where("clinicId").is(clinic)), "patients")).as("one patient").isEqualTo(1);
        assertThat(intakeEvents.events()).filteredOn(e -> e.clinicId().equals(clinic)).as("one PatientRegistered").hasSize(1);
        registerWithKey(clinic, PATIENT.formatted(clinic, "Patient-B"), UUID.randomUUID().toString()).expectStatus().isCreated();
        assertThat(mongo.count(Query.query(Criteria.where("clinicId").is(clinic)), "patients")).as("another key, another patient").isEqualTo(2);
    }

    @Test
    void aMalformedIdempotencyKeyIs400NamingTheHeaderAndRegistersNobody() {
        String clinic = "clinic-idem-" + UUID.randomUUID();
        registerWithKey(clinic, PATIENT.formatted(clinic, "Patient-A"), "k".repeat(256)).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("Idempotency-Key");
        assertThat(mongo.count(Query.query(Criteria.where("clinicId").is(clinic)), "patients")).isZero();
    }

    @Test
    void registeringPublishesPatientRegisteredKeyedByPatientIdWithoutIdentity() {
        UUID patientId = registerPatient("clinic-b");

        EventEnvelope event = intakeEvents.await(PatientRegistered.class, e -> e.patientId().equals(patientId));
        assertThat(event.clinicId()).isEqualTo("clinic-b");
        assertThat(event.occurredAt()).isEqualTo(Instant.parse(TestClockConfig.NOW));
        assertThat(((PatientRegistered) event.payload()).registeredAt()).isEqualTo(Instant.parse(TestClockConfig.NOW));

        ConsumerRecord<String, String> record = recordOf(event);
        assertThat(record.key()).isEqualTo(patientId.toString());
        assertThat(record.value()).doesNotContain("Patient-A", "patient-a@example.org", "1980-04-02", "123 45 67");
    }

    @Test
    void anIntakePublishesIntakeCompletedWithTheClearanceAndAllItsFindings() {
        UUID patientId = registerPatient("clinic-a");

        JsonNode intake = postIntake(patientId, intake("2026-11-18T14:00:00Z", true, "pregnant", "anticoagulants"))
                .expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        UUID assessmentId = UUID.fromString(intake.get("assessmentId").asString());
        assertThat(intake.get("patientId").asString()).isEqualTo(patientId.toString());
        assertThat(intake.get("needlingClearance").asString()).isEqualTo("PRECAUTION");
        assertThat(intake.get("reasons").values()).extracting(JsonNode::asString).containsExactly("PREGNANT", "ANTICOAGULANTS");

        EventEnvelope event = intakeEvents.await(IntakeCompleted.class, e -> e.patientId().equals(patientId));
        assertThat(recordOf(event).key()).isEqualTo(patientId.toString());
        assertThat(recordOf(event).value()).as("the complaint's free text stays in intake-service").doesNotContain("overuse");
        assertThat(event.clinicId()).isEqualTo("clinic-a");
        assertThat(event.occurredAt()).isEqualTo(Instant.parse(TestClockConfig.NOW));
        var completed = (IntakeCompleted) event.payload();
        assertThat(completed.assessmentId()).isEqualTo(assessmentId);
        assertThat(completed.assessedAt()).isEqualTo(Instant.parse("2026-11-18T14:00:00Z"));
        assertThat(completed.therapistId()).as("the token's subject").isEqualTo("therapist-a");
        assertThat(completed.complaints()).containsExactly(new Complaint(BodyRegion.SHOULDER, Side.RIGHT));
        assertThat(completed.painNprs()).isEqualTo(7);
        assertThat(completed.needlingClearance()).isEqualTo(NeedlingClearance.PRECAUTION);
        assertThat(completed.reasons()).containsExactly("PREGNANT", "ANTICOAGULANTS");
        assertThat(completed.rom()).containsExactly(new RomReading(Joint.SHOULDER, Movement.FLEXION, Side.RIGHT, 120, null));
    }

    @Test
    void anIntakeWithoutConsentIsContraindicatedAndALaterIntakeReplacesTheClearance() {
        UUID patientId = registerPatient("clinic-a");

        postIntake(patientId, intake("2026-11-18T14:00:00Z", false, "bleedingDisorder"))
                .expectStatus().isCreated()
                .expectBody()
                .jsonPath("$.needlingClearance").isEqualTo("CONTRAINDICATED")
                .jsonPath("$.reasons").isEqualTo(List.of("NO_CONSENT", "BLEEDING_DISORDER"));
        postIntake(patientId, intake("2026-11-19T09:00:00Z", true))
                .expectStatus().isCreated()
                .expectBody()
                .jsonPath("$.needlingClearance").isEqualTo("CLEARED")
                .jsonPath("$.reasons").isEqualTo(List.of());

        await().atMost(RELAY).until(() -> intakeEvents.eventsOf(IntakeCompleted.class, patientId).size() == 2);
        IntakeCompleted latest = intakeEvents.eventsOf(IntakeCompleted.class, patientId).stream()
                .map(e -> (IntakeCompleted) e.payload())
                .max(java.util.Comparator.comparing(IntakeCompleted::assessedAt))
                .orElseThrow();
        assertThat(latest.needlingClearance()).isEqualTo(NeedlingClearance.CLEARED);
        assertThat(latest.reasons()).isEmpty();
    }

    @Test
    void aReassessmentPublishesAssessmentRecordedAndIsListedAfterTheIntake() {
        UUID patientId = registerPatient("clinic-a");
        UUID intakeId = assessmentIdOf(postIntake(patientId, intake("2026-11-18T14:00:00Z", true)).expectStatus().isCreated());

        JsonNode created = postReassessment(patientId, reassessment("2026-11-20T14:30:00Z", "DISCHARGE", 2))
                .expectStatus().isCreated()
                .expectHeader().value("Location", location -> assertThat(location).startsWith("/api/patients/" + patientId + "/assessments/"))
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        UUID assessmentId = UUID.fromString(created.get("assessmentId").asString());
        assertThat(created.get("kind").asString()).isEqualTo("DISCHARGE");

        EventEnvelope event = intakeEvents.await(AssessmentRecorded.class, e -> e.patientId().equals(patientId));
        assertThat(recordOf(event).key()).isEqualTo(patientId.toString());
        assertThat(event.clinicId()).isEqualTo("clinic-a");
        var recorded = (AssessmentRecorded) event.payload();
        assertThat(recorded.assessmentId()).isEqualTo(assessmentId);
        assertThat(recorded.kind()).isEqualTo(AssessmentKind.DISCHARGE);
        assertThat(recorded.assessedAt()).isEqualTo(Instant.parse("2026-11-20T14:30:00Z"));
        assertThat(recorded.painNprs()).isEqualTo(2);
        assertThat(recorded.therapistId()).as("the token's subject").isEqualTo("therapist-a");
        assertThat(recorded.rom()).containsExactly(new RomReading(Joint.SHOULDER, Movement.FLEXION, Side.RIGHT, 165, null));

        http.get().uri("/api/patients/{patientId}/assessments", patientId).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$[*].assessmentId").isEqualTo(List.of(intakeId.toString(), assessmentId.toString()))
                .jsonPath("$[*].kind").isEqualTo(List.of("INTAKE", "DISCHARGE"))
                .jsonPath("$[0].needlingClearance").isEqualTo("CLEARED")
                .jsonPath("$[1].painNprs").isEqualTo(2)
                .jsonPath("$[0].outbox").doesNotExist();
        http.get().uri("/api/patients/{patientId}/assessments/{assessmentId}", patientId, assessmentId).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.kind").isEqualTo("DISCHARGE")
                .jsonPath("$.rom[0].degrees").isEqualTo(165);
    }

    @Test
    void aReassessmentBeforeTheIntakeIsRefusedWith409AndNothingIsStoredOrPublished() {
        UUID patientId = registerPatient("clinic-a");

        postReassessment(patientId, reassessment("2026-11-19T10:00:00Z", "PROGRESS", 5))
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("/problems/intake-required");

        assertThat(assessmentsStoredFor(patientId)).isZero();
        // The intake's event comes after anything the refused request could have staged for this
        // patient (same key, same partition): once it is here, nothing else is on its way.
        postIntake(patientId, intake("2026-11-19T11:00:00Z", true)).expectStatus().isCreated();
        intakeEvents.await(IntakeCompleted.class, e -> e.patientId().equals(patientId));
        assertThat(intakeEvents.eventsOf(AssessmentRecorded.class, patientId)).isEmpty();
    }

    @Test
    void aRefusedRequestLeavesNoDocumentBehind() {
        UUID patientId = registerPatient("clinic-a");

        postIntake(patientId, intake("2026-11-18T14:00:00Z", true).replace("\"painNprs\": 7", "\"painNprs\": 11"))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("painNprs");
        postIntake(patientId, intake(clock.instant().plusSeconds(60).toString(), true))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("assessedAt");
        assertThat(assessmentsStoredFor(patientId)).isZero();

        String marker = "Patient-" + UUID.randomUUID();
        register(PATIENT.formatted("clinic-a", marker).replace("1980-04-02", "1899-12-31"))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("dateOfBirth");
        assertThat(mongo.count(Query.query(Criteria.where("familyName").is(marker)), "patients")).isZero();
    }

    @Test
    void anUnknownPatientIsNotFoundAndGetsNoAssessment() {
        UUID patientId = UUID.randomUUID();

        http.get().uri("/api/patients/{patientId}", patientId).exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/patient-not-found");
        postIntake(patientId, intake("2026-11-18T14:00:00Z", true))
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/patient-not-found");
        postReassessment(patientId, reassessment("2026-11-19T10:00:00Z", "PROGRESS", 5))
                .expectStatus().isNotFound();
        http.get().uri("/api/patients/{patientId}/assessments", patientId).exchange()
                .expectStatus().isNotFound();
        assertThat(assessmentsStoredFor(patientId)).isZero();
    }

    @Test
    void anAssessmentIsOnlyFoundUnderItsOwnPatient() {
        UUID patientId = registerPatient("clinic-a");
        UUID otherPatientId = registerPatient("clinic-a");
        UUID intakeId = assessmentIdOf(postIntake(patientId, intake("2026-11-18T14:00:00Z", true)).expectStatus().isCreated());

        http.get().uri("/api/patients/{patientId}/assessments/{assessmentId}", patientId, intakeId).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.kind").isEqualTo("INTAKE");
        http.get().uri("/api/patients/{patientId}/assessments/{assessmentId}", otherPatientId, intakeId).exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/assessment-not-found");
    }

    @Test
    void theOutboxIsEmptiedOnceTheEventsAreOnKafka() {
        UUID patientId = registerPatient("clinic-a");
        UUID intakeId = assessmentIdOf(postIntake(patientId, intake("2026-11-18T14:00:00Z", true)).expectStatus().isCreated());

        intakeEvents.await(PatientRegistered.class, e -> e.patientId().equals(patientId));
        intakeEvents.await(IntakeCompleted.class, e -> e.patientId().equals(patientId));

        await().atMost(RELAY).until(() -> outboxOf("patients", patientId.toString()).isEmpty());
        await().atMost(RELAY).until(() -> outboxOf("assessments", intakeId.toString()).isEmpty());
    }

    @Test
    void thePatientHoldsTheIdsOfItsAssessmentsInTheOrderTheyWereRecorded() {
        UUID patientId = registerPatient("clinic-a");
        UUID intakeId = assessmentIdOf(postIntake(patientId, intake("2026-11-18T14:00:00Z", true)).expectStatus().isCreated());
        UUID progressId = assessmentIdOf(postReassessment(patientId, reassessment("2026-11-19T10:00:00Z", "PROGRESS", 5))
                .expectStatus().isCreated());

        Document patient = mongo.findById(patientId.toString(), Document.class, "patients");
        assertThat(patient.getList("assessmentIds", String.class)).containsExactly(intakeId.toString(), progressId.toString());
        assertThat(patient.getList("intakeIds", String.class)).containsExactly(intakeId.toString());
        http.get().uri("/api/patients/{patientId}", patientId).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.assessmentIds").doesNotExist().jsonPath("$.intakeIds").doesNotExist();
    }

    @Test
    void anIdWhoseAssessmentWasNeverStoredIsNotListedAndIsNoIntake() {
        // What a stop between the patient's update and the assessment's insert leaves behind.
        UUID patientId = registerPatient("clinic-a");
        String neverStored = UUID.randomUUID().toString();
        mongo.updateFirst(Query.query(Criteria.where("_id").is(patientId.toString())),
                new Update().addToSet("assessmentIds", neverStored).addToSet("intakeIds", neverStored), "patients");

        http.get().uri("/api/patients/{patientId}/assessments", patientId).exchange()
                .expectStatus().isOk()
                .expectBody().json("[]");
        postReassessment(patientId, reassessment("2026-11-19T10:00:00Z", "PROGRESS", 5))
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("/problems/intake-required");

        UUID intakeId = assessmentIdOf(postIntake(patientId, intake("2026-11-18T14:00:00Z", true)).expectStatus().isCreated());
        postReassessment(patientId, reassessment("2026-11-19T10:00:00Z", "PROGRESS", 5)).expectStatus().isCreated();
        http.get().uri("/api/patients/{patientId}/assessments", patientId).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$[*].kind").isEqualTo(List.of("INTAKE", "PROGRESS"))
                .jsonPath("$[0].assessmentId").isEqualTo(intakeId.toString());
    }

    @Test
    void concurrentIntakesAndReassessmentsOfOnePatientAreAllStoredAndListed() throws Exception {
        UUID patientId = registerPatient("clinic-a");
        postIntake(patientId, intake("2026-11-17T14:00:00Z", true)).expectStatus().isCreated();

        List<Callable<Object>> requests = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String assessedAt = Instant.parse("2026-11-18T08:00:00Z").plus(Duration.ofMinutes(i)).toString();
            requests.add(i % 4 == 0
                    ? () -> postIntake(patientId, intake(assessedAt, true)).expectStatus().isCreated()
                    : () -> postReassessment(patientId, reassessment(assessedAt, "PROGRESS", 4)).expectStatus().isCreated());
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
            for (Future<Object> created : pool.invokeAll(requests)) {
                created.get(); // rethrows a failed expectation
            }
        }

        http.get().uri("/api/patients/{patientId}/assessments", patientId).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.length()").isEqualTo(13);
        Document patient = mongo.findById(patientId.toString(), Document.class, "patients");
        assertThat(patient.getList("assessmentIds", String.class)).hasSize(13).doesNotHaveDuplicates();
        assertThat(patient.getList("intakeIds", String.class)).hasSize(4);
    }

    @Test
    void assessmentsStoredBeforePatientsHeldTheirIdsAreFoundAgainAfterTheBackfill() throws Exception {
        UUID patientId = registerPatient("clinic-a");
        UUID intakeId = assessmentIdOf(postIntake(patientId, intake("2026-11-18T14:00:00Z", true)).expectStatus().isCreated());
        // The patient as stored before this version: no ids of its assessments.
        mongo.updateFirst(Query.query(Criteria.where("_id").is(patientId.toString())),
                new Update().unset("assessmentIds").unset("intakeIds"), "patients");
        http.get().uri("/api/patients/{patientId}/assessments", patientId).exchange().expectBody().json("[]");

        mongo.remove(Query.query(Criteria.where("_id").is("assessment-ids-on-patients")), "migrations");
        assessmentIdsBackfill.afterPropertiesSet();

        http.get().uri("/api/patients/{patientId}/assessments", patientId).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$[*].assessmentId").isEqualTo(List.of(intakeId.toString()));
        postReassessment(patientId, reassessment("2026-11-19T10:00:00Z", "PROGRESS", 5)).expectStatus().isCreated();
        assertThat(mongo.exists(Query.query(Criteria.where("_id").is("assessment-ids-on-patients")), "migrations")).isTrue();
    }

    // --- helpers -------------------------------------------------------------------------------

    private static final String PATIENT = """
            { "clinicId": "%s", "givenName": "Test", "familyName": "%s", "dateOfBirth": "1980-04-02",
              "email": "patient-a@example.org", "phone": "+41 44 123 45 67" }
            """;

    /** A client sending {@code token}; tokens are checked against the service's clock, so mint them after moving it. */
    RestTestClient withToken(String token) {
        return anonymous.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, TestTokens.bearer(token)).build();
    }

    /** A client acting as the therapist of {@code clinicId}. */
    RestTestClient as(String clinicId) {
        return withToken(tokens.therapist(clinicId));
    }

    /** Registered by the therapist of {@code clinicId}. */
    UUID registerPatient(String clinicId) {
        JsonNode created = as(clinicId).post().uri("/api/patients").contentType(MediaType.APPLICATION_JSON)
                .body(PATIENT.formatted(clinicId, "Patient-A")).exchange().expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        return UUID.fromString(created.get("patientId").asString());
    }

    RestTestClient.ResponseSpec register(String body) {
        return http.post().uri("/api/patients").contentType(MediaType.APPLICATION_JSON).body(body).exchange();
    }

    RestTestClient.ResponseSpec registerWithKey(String clinicId, String body, String idempotencyKey) {
        return as(clinicId).post().uri("/api/patients").header("Idempotency-Key", idempotencyKey)
                .contentType(MediaType.APPLICATION_JSON).body(body).exchange();
    }

    RestTestClient.ResponseSpec postIntake(UUID patientId, String body) {
        return http.post().uri("/api/patients/{patientId}/intake", patientId).contentType(MediaType.APPLICATION_JSON).body(body).exchange();
    }

    RestTestClient.ResponseSpec postReassessment(UUID patientId, String body) {
        return http.post().uri("/api/patients/{patientId}/assessments", patientId).contentType(MediaType.APPLICATION_JSON).body(body)
                .exchange();
    }

    static UUID assessmentIdOf(RestTestClient.ResponseSpec created) {
        return UUID.fromString(created.expectBody(JsonNode.class).returnResult().getResponseBody().get("assessmentId").asString());
    }

    /** The intake body of DESIGN.md with the given screening answers set to true. */
    static String intake(String assessedAt, boolean consent, String... yesAnswers) {
        String body = """
                { "assessedAt": "%s",
                  "complaints": [ { "bodyRegion": "SHOULDER", "side": "RIGHT", "description": "overuse" } ],
                  "painNprs": 7,
                  "screening": { "pregnant": false, "bleedingDisorder": false, "anticoagulants": false,
                                 "infectionOrWoundAtSite": false, "severeNeedlePhobia": false, "immunocompromised": false },
                  "consent": %s,
                  "rom": [ { "joint": "SHOULDER", "movement": "FLEXION", "side": "RIGHT", "degrees": 120 } ] }
                """.formatted(assessedAt, consent);
        for (String answer : yesAnswers) {
            assertThat(body).contains("\"" + answer + "\": false");
            body = body.replace("\"" + answer + "\": false", "\"" + answer + "\": true");
        }
        return body;
    }

    static String reassessment(String assessedAt, String kind, int pain) {
        return """
                { "assessedAt": "%s", "kind": "%s", "painNprs": %d,
                  "rom": [ { "joint": "SHOULDER", "movement": "FLEXION", "side": "RIGHT", "degrees": 165 } ] }
                """.formatted(assessedAt, kind, pain);
    }

    private ConsumerRecord<String, String> recordOf(EventEnvelope event) {
        return intakeEvents.records().stream()
                .filter(r -> r.value().contains(event.eventId().toString()))
                .findFirst().orElseThrow();
    }

    private long assessmentsStoredFor(UUID patientId) {
        return mongo.count(Query.query(Criteria.where("patientId").is(patientId.toString())), "assessments");
    }

    private List<Document> outboxOf(String collection, String id) {
        return mongo.findById(id, Document.class, collection).getList("outbox", Document.class);
    }
}
