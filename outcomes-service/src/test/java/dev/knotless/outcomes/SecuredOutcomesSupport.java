package dev.knotless.outcomes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.knotless.platform.audit.AuditStore;
import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload;
import dev.knotless.events.EventPayload.NeedlingSite;
import dev.knotless.events.EventPayload.RomReading;
import dev.knotless.events.Vocabulary.AlertRule;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.Joint;
import dev.knotless.events.Vocabulary.Movement;
import dev.knotless.events.Vocabulary.NeedlingClearance;
import dev.knotless.events.Vocabulary.RomPhase;
import dev.knotless.events.Vocabulary.Side;
import dev.knotless.events.Vocabulary.Technique;
import dev.knotless.outcomes.alert.AlertRules;
import dev.knotless.outcomes.followup.FollowUp;
import dev.knotless.platform.messaging.EventCodec;
import dev.knotless.testsupport.MutableClock;
import dev.knotless.testsupport.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the security and audit tests share (nested in the embedded IT, in its Spring context): a
 * client that sends exactly the token given (or none), and a clinic's patient treated as the other
 * services would report it: registered, an intake, a session that ended 30 hours ago, its H24
 * survey answered with soreness 8 (a HIGH alert), its H48 still without a link.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SecuredOutcomesSupport {

    static final String COMMENT = "comment-of-the-patient";

    @Autowired
    KafkaTemplate<String, String> kafka;
    @Autowired
    EventCodec codec;
    @Autowired
    MutableClock clock;
    @Autowired
    AuditStore audit;
    @Autowired
    MongoTemplate mongo;
    @Autowired
    JsonMapper json;
    @LocalServerPort
    int port;

    TestTokens tokens;
    private RestClient http;

    @BeforeAll
    void connect() {
        tokens = new TestTokens(clock);
        http = RestClient.builder().baseUrl("http://localhost:" + port)
                .defaultStatusHandler(status -> true, (request, response) -> { })
                .build();
    }

    /** A patient of {@code clinic} as described above, with the ids the endpoints take. */
    record Treated(String clinic, UUID patientId, UUID sessionId, UUID h24, UUID h48, String h24Token, UUID alertId) {
    }

    Treated treat(String clinic) {
        UUID patientId = UUID.randomUUID();
        Instant now = clock.instant();
        publish(EventEnvelope.of(now.minus(Duration.ofDays(10)), patientId, clinic, new EventPayload.PatientRegistered(now.minus(Duration.ofDays(10)))));
        publish(EventEnvelope.of(now.minus(Duration.ofDays(9)), patientId, clinic, new EventPayload.IntakeCompleted(UUID.randomUUID(),
                now.minus(Duration.ofDays(9)), "therapist-x", List.of(), 7, NeedlingClearance.CLEARED, List.of(),
                List.of(new RomReading(Joint.SHOULDER, Movement.FLEXION, Side.RIGHT, 120, null)))));
        UUID sessionId = session(patientId, clinic);
        UUID h24 = FollowUp.idOf(sessionId, Checkpoint.H24);
        String token = issueLink(clinic, h24);
        assertThat(answer(token, 8).status()).isEqualTo(201);
        UUID alertId = AlertRules.alertIdOf(h24, AlertRule.HIGH_SORENESS);
        String therapist = tokens.therapist(clinic);
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> call(therapist, HttpMethod.GET, "/api/clinics/" + clinic + "/alerts", null).body().contains(alertId.toString()));
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> call(therapist, HttpMethod.GET, "/api/patients/" + patientId + "/timeline", null).body().contains("\"H24\":[{"));
        return new Treated(clinic, patientId, sessionId, h24, FollowUp.idOf(sessionId, Checkpoint.H48), token, alertId);
    }

    /** A SessionRecorded of the patient that ended 30 hours ago, once its follow-ups exist. */
    UUID session(UUID patientId, String clinic) {
        Instant ended = clock.instant().minus(Duration.ofHours(30));
        UUID sessionId = UUID.randomUUID();
        publish(EventEnvelope.of(ended, patientId, clinic, new EventPayload.SessionRecorded(sessionId, "therapist-x",
                ended.minus(Duration.ofMinutes(45)), ended,
                List.of(new NeedlingSite("UPPER_TRAPEZIUS", Side.RIGHT, Technique.DEEP, 2, 60, true)), List.of("STRETCHING"), 6, 4,
                List.of(new RomReading(Joint.SHOULDER, Movement.FLEXION, Side.RIGHT, 125, RomPhase.PRE),
                        new RomReading(Joint.SHOULDER, Movement.FLEXION, Side.RIGHT, 140, RomPhase.POST)), false, false)));
        String therapist = tokens.therapist(clinic);
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> call(therapist, HttpMethod.GET, "/api/sessions/" + sessionId + "/follow-ups", null).status() == 200);
        return sessionId;
    }

    String issueLink(String clinic, UUID followUpId) {
        Reply issued = call(tokens.therapist(clinic), HttpMethod.POST, "/api/follow-ups/" + followUpId + "/survey-link", null);
        assertThat(issued.status()).as("issue link: %s", issued.body()).isEqualTo(201);
        return issued.json().get("token").asString();
    }

    /** The patient's answer, sent as the patient does: with no token. */
    Reply answer(String surveyToken, int soreness) {
        return call(null, HttpMethod.POST, "/api/surveys/" + surveyToken, survey(soreness));
    }

    static String survey(int soreness) {
        return """
                { "soreness": %d, "pain": 3, "bruising": false, "fatigue": false, "lightheaded": false,
                  "adverseEvent": { "severity": "NONE", "description": "" }, "comment": "%s" }""".formatted(soreness, COMMENT);
    }

    void publish(EventEnvelope event) {
        try {
            kafka.send(event.topic(), event.key(), codec.encode(event)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    record Reply(int status, HttpHeaders headers, String body, JsonMapper mapper) {
        JsonNode json() {
            return mapper.readTree(body);
        }
    }

    /** The request with {@code token} as its bearer (none when null). */
    Reply call(String token, HttpMethod method, String path, String body) {
        return call(token, method, path, body, Map.of());
    }

    Reply call(String token, HttpMethod method, String path, String body, Map<String, String> headers) {
        var request = http.method(method).uri(path);
        if (token != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, TestTokens.bearer(token));
        }
        for (var header : headers.entrySet()) {
            request = request.header(header.getKey(), header.getValue());
        }
        if (body != null) {
            request = request.contentType(MediaType.APPLICATION_JSON).body(body);
        }
        var entity = request.retrieve().toEntity(String.class);
        return new Reply(entity.getStatusCode().value(), entity.getHeaders(), entity.getBody() == null ? "" : entity.getBody(), json);
    }

    /** A problem's body with every id and clinic blanked: what differs between two unknown ids. */
    static String withoutIds(String body) {
        return body.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>")
                .replaceAll("clinic-[a-z0-9-]+", "<clinic>");
    }
}
