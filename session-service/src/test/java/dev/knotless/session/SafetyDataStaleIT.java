package dev.knotless.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload.IntakeCompleted;
import dev.knotless.events.EventPayload.PatientRegistered;
import dev.knotless.events.Topics;
import dev.knotless.events.Vocabulary.NeedlingClearance;
import dev.knotless.session.patient.PatientReadModel;
import dev.knotless.session.patient.ReadModelAccess;
import dev.knotless.session.safety.ReadModelFreshness;
import dev.knotless.session.safety.SafetyDataFreshness;
import dev.knotless.testsupport.EmbeddedInfrastructure;
import dev.knotless.testsupport.MutableClock;
import dev.knotless.testsupport.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * Safety fails closed: a session-service whose Kafka is out of reach from its start has never
 * confirmed its read model current, so it refuses a session even for a patient its read model
 * clears (503 safety-data-stale, nothing written), and accepts it once Kafka is reachable and the
 * consumers have caught up. Its own context: Kafka at a loopback port where nothing listens until
 * the test forwards it to the real broker, its own store database and consumer group.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.kafka.consumer.group-id=session-service-safety-data-it",
        // Topics are made by the test against the broker itself; the service cannot reach it at start.
        "spring.kafka.admin.auto-create=false",
        "knotless.safety.check-interval=500ms",
        "knotless.safety.check-timeout=1s"})
@AutoConfigureRestTestClient
@Import(TestClockConfig.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SafetyDataStaleIT {

    private static final String DATABASE = "knotless-session-safety-data";
    private static final TcpForwarder KAFKA = TcpForwarder.onFreePort();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + KAFKA.port());
        registry.add("spring.mongodb.uri", () -> EmbeddedInfrastructure.mongoUri(DATABASE));
        TestTokens.register(registry);
    }

    @Autowired
    RestTestClient anonymous;
    @Autowired
    MutableClock clock;
    @Autowired
    PatientReadModel patients;
    @Autowired
    ReadModelFreshness safetyData;
    @Autowired
    MongoTemplate mongo;
    @Autowired
    MeterRegistry meters;

    @AfterAll
    void closeForwarder() throws Exception {
        KAFKA.close();
    }

    @Test
    void aSessionIsRefusedUntilTheReadModelIsConfirmedCurrentThenAccepted() throws Exception {
        var tokens = new TestTokens(clock);
        RestTestClient http = anonymous.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, TestTokens.bearer(tokens.therapist("clinic-a"))).build();
        UUID patientId = UUID.randomUUID();
        // What the read model would hold after the registration and a CLEARED intake.
        ReadModelAccess.apply(patients, EventEnvelope.of(clock.instant(), patientId, "clinic-a", new PatientRegistered(clock.instant())));
        ReadModelAccess.apply(patients, EventEnvelope.of(clock.instant(), patientId, "clinic-a", new IntakeCompleted(UUID.randomUUID(),
                Instant.parse("2026-11-18T14:00:00Z"), "t-1", List.of(), 6, NeedlingClearance.CLEARED, List.of(), List.of())));

        postSession(http, patientId)
                .expectStatus().isEqualTo(503)
                .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "1")
                .expectBody()
                .jsonPath("$.type").isEqualTo("/problems/safety-data-stale")
                .jsonPath("$.title").isEqualTo("Safety data not current")
                .jsonPath("$.detail").value(String.class, detail ->
                        assertThat(detail).contains("not been confirmed current since this service started"))
                .jsonPath("$.maxStalenessSeconds").isEqualTo(30);
        assertThat(safetyData.now()).isInstanceOf(SafetyDataFreshness.NeverConfirmed.class);
        assertThat(mongo.count(Query.query(Criteria.where("patientId").is(patientId.toString())), "sessions")).as("no session").isZero();
        assertThat(mongo.findById(patientId.toString(), Document.class, "patientSessions")).as("no session id").isNull();
        assertThat(meters.get("knotless.sessions.refused").tag("reason", "safety-data-stale").counter().count()).isEqualTo(1.0);
        assertThat(meters.get("knotless.safety.read-model.age").gauge().getId().getBaseUnit()).isEqualTo("seconds");

        String broker = EmbeddedInfrastructure.bootstrapServers().split(",")[0];
        createTopics(broker);
        KAFKA.openTo(broker.substring(0, broker.lastIndexOf(':')), Integer.parseInt(broker.substring(broker.lastIndexOf(':') + 1)));
        await("the consumers caught up and the check confirmed it").atMost(Duration.ofSeconds(60))
                .until(() -> safetyData.now() instanceof SafetyDataFreshness.Current);

        postSession(http, patientId).expectStatus().isCreated();
        assertThat(mongo.count(Query.query(Criteria.where("patientId").is(patientId.toString())), "sessions")).isEqualTo(1);

        // The refusal is in the audit trail as any other: the attempt, then its outcome 503.
        anonymous.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, TestTokens.bearer(tokens.clinicAdmin("clinic-a"))).build().get()
                .uri("/api/clinics/clinic-a/audit?patientId={id}&from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z", patientId)
                .exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$.records[*].status").isEqualTo(List.of(503, 201))
                .jsonPath("$.records[*].resourceType").isEqualTo(List.of("session", "session", "audit"));
    }

    private static RestTestClient.ResponseSpec postSession(RestTestClient http, UUID patientId) {
        return http.post().uri("/api/patients/{patientId}/sessions", patientId)
                .contentType(MediaType.APPLICATION_JSON)
                .body(SessionServiceContract.session(Instant.parse("2026-11-20T14:00:00Z"), Instant.parse("2026-11-20T14:45:00Z"), false, false))
                .exchange();
    }

    /** The topics this service reads and writes, as the services make them (they may exist already: the broker is shared). */
    private static void createTopics(String broker) throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker))) {
            for (String topic : List.of(Topics.INTAKE, Topics.OUTCOME, Topics.SESSION)) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("could not create " + topic, e);
                }
            }
        }
    }
}
