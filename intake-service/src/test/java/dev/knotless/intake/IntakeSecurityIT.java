package dev.knotless.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.EntityExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may do what, over real HTTP with real tokens: every staff endpoint without a token, with
 * another clinic's token, with an operator's; the tokens a service must refuse. Clinic-a's patient
 * and its data must come out of all of it unchanged and unseen.
 */
class IntakeSecurityIT extends SecuredIntakeService {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    UUID patient;
    UUID intakeId;
    String before;

    @BeforeAll
    void clinicAsPatient() {
        RestTestClient therapistA = therapistOf("clinic-a");
        patient = register(therapistA, "Patient-Secret");
        intakeId = idOf(therapistA.post().uri("/api/patients/{id}/intake", patient).contentType(MediaType.APPLICATION_JSON)
                .body(intake("2026-11-18T14:00:00Z")).exchange(), "assessmentId");
        idOf(therapistA.post().uri("/api/patients/{id}/assessments", patient).contentType(MediaType.APPLICATION_JSON)
                .body(reassessment("2026-11-19T14:00:00Z")).exchange(), "assessmentId");
        before = snapshot();
    }

    /** Every staff endpoint of intake-service, on clinic-a's patient. */
    record Endpoint(String name, HttpMethod method, String uri, String body) {
    }

    List<Endpoint> endpoints() {
        return List.of(
                new Endpoint("POST /api/patients", HttpMethod.POST, "/api/patients", PATIENT.formatted("Patient-Intruder")),
                new Endpoint("GET /api/patients/{id}", HttpMethod.GET, "/api/patients/" + patient, null),
                new Endpoint("POST /api/patients/{id}/intake", HttpMethod.POST, "/api/patients/" + patient + "/intake",
                        intake("2026-11-20T09:00:00Z").replace("\"consent\": true", "\"consent\": false")),
                new Endpoint("POST /api/patients/{id}/assessments", HttpMethod.POST, "/api/patients/" + patient + "/assessments",
                        reassessment("2026-11-20T10:00:00Z")),
                new Endpoint("GET /api/patients/{id}/assessments", HttpMethod.GET, "/api/patients/" + patient + "/assessments", null),
                new Endpoint("GET /api/patients/{id}/assessments/{id}", HttpMethod.GET,
                        "/api/patients/" + patient + "/assessments/" + intakeId, null),
                new Endpoint("GET /api/clinics/{id}/audit", HttpMethod.GET, "/api/clinics/clinic-a/audit", null));
    }

    private EntityExchangeResult<String> call(RestTestClient client, Endpoint endpoint) {
        return call(client, endpoint.method(), endpoint.uri(), endpoint.body());
    }

    private static EntityExchangeResult<String> call(RestTestClient client, HttpMethod method, String uri, String body) {
        var request = client.method(method).uri(uri);
        if (body != null) {
            request.contentType(MediaType.APPLICATION_JSON).body(body);
        }
        return request.exchange().expectBody(String.class).returnResult();
    }

    @Test
    void withoutATokenEveryEndpointIs401WithWwwAuthenticateAndAProblem() {
        for (Endpoint endpoint : endpoints()) {
            var result = call(anonymous, endpoint);
            assertThat(result.getStatus().value()).as(endpoint.name()).isEqualTo(401);
            assertThat(result.getResponseHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).as(endpoint.name()).startsWith("Bearer");
            assertThat(result.getResponseHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).as(endpoint.name()).isTrue();
            assertThat(problem(result).get("type").asString()).isEqualTo("/problems/unauthorized");
            assertThat(result.getResponseBody()).as(endpoint.name()).doesNotContain("Patient-Secret");
        }
        assertUnchanged();
    }

    @Test
    void anotherClinicsTherapistGetsTheUnknownIds404OrA403AndNoData() {
        RestTestClient therapistB = therapistOf("clinic-b");
        Map<String, Integer> expected = Map.of(
                "POST /api/patients", 201, // registers in clinic-b: nothing of clinic-a's is touched
                "GET /api/clinics/{id}/audit", 403); // the audit is for clinic admins
        for (Endpoint endpoint : endpoints()) {
            var result = call(therapistB, endpoint);
            assertThat(result.getResponseBody()).as(endpoint.name()).doesNotContain("Patient-Secret", "overuse");
            int status = expected.getOrDefault(endpoint.name(), 404);
            assertThat(result.getStatus().value()).as(endpoint.name()).isEqualTo(status);
            if (status == 404) {
                assertThat(withoutIds(problem(result))).as(endpoint.name() + ": the same answer as for an unknown id")
                        .isEqualTo(withoutIds(problem(call(therapistB, endpoint.method(),
                                endpoint.uri().replace(patient.toString(), UUID.randomUUID().toString()), endpoint.body()))));
            }
        }
        // A body naming clinic-a is a write naming another clinic.
        var naming = call(therapistB, HttpMethod.POST, "/api/patients",
                PATIENT.formatted("Patient-Intruder").replace("{ ", "{ \"clinicId\": \"clinic-a\", "));
        assertThat(naming.getStatus().value()).isEqualTo(403);
        assertThat(problem(naming).get("type").asString()).isEqualTo("/problems/other-clinic");
        // Clinic-b's admin: clinic-a's audit trail does not exist for them.
        var audit = call(withToken(tokens.clinicAdmin("clinic-b")), HttpMethod.GET, "/api/clinics/clinic-a/audit", null);
        assertThat(audit.getStatus().value()).isEqualTo(404);
        assertThat(withoutIds(problem(audit))).isEqualTo(withoutIds(problem(call(withToken(tokens.clinicAdmin("clinic-b")),
                HttpMethod.GET, "/api/clinics/clinic-nowhere/audit", null))));
        assertUnchanged();
        assertThat(mongo.count(org.springframework.data.mongodb.core.query.Query.query(
                org.springframework.data.mongodb.core.query.Criteria.where("familyName").is("Patient-Intruder")
                        .and("clinicId").is("clinic-a")), "patients")).as("no patient slipped into clinic-a").isZero();
    }

    @Test
    void anOperatorReachesNoPatientDataButHealthAndMetrics() {
        RestTestClient operator = withToken(tokens.operator());
        for (Endpoint endpoint : endpoints()) {
            var result = call(operator, endpoint);
            assertThat(result.getStatus().value()).as(endpoint.name()).isEqualTo(403);
            assertThat(problem(result).get("type").asString()).isEqualTo("/problems/forbidden");
            assertThat(result.getResponseBody()).doesNotContain("Patient-Secret");
        }
        assertUnchanged();
        operator.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
        operator.get().uri("/actuator/metrics").exchange().expectStatus().isOk();
        therapistOf("clinic-a").get().uri("/actuator/prometheus").exchange().expectStatus().isForbidden();
        anonymous.get().uri("/actuator/prometheus").exchange().expectStatus().isUnauthorized();
        anonymous.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
    }

    @Test
    void aClinicAdminWorksWithTheirClinicsPatientsLikeATherapist() {
        withToken(tokens.clinicAdmin("clinic-a")).get().uri("/api/patients/{id}", patient).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.familyName").isEqualTo("Patient-Secret");
    }

    @Test
    void eachOfTheBadTokensIs401NeverA500() {
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("expired", tokens.expired("clinic-a"));
        bad.put("wrong issuer", tokens.wrongIssuer("clinic-a"));
        bad.put("wrong audience", tokens.wrongAudience("clinic-a"));
        bad.put("bad signature", tokens.badSignature("clinic-a"));
        bad.put("alg none", tokens.unsigned("clinic-a"));
        bad.put("unknown key id", tokens.unknownKey("clinic-a"));
        bad.put("a survey link's token", "q3xJ0v8sYk2mPz7RcWbN4tLhGd9uEa6F");
        bad.put("no role", tokens.signed(tokens.claims("therapist-a", dev.knotless.platform.security.Role.THERAPIST, "clinic-a")
                .claim("role", null).build()));
        bad.put("an unknown role", tokens.signed(tokens.claims("therapist-a", dev.knotless.platform.security.Role.THERAPIST, "clinic-a")
                .claim("role", "SUPERUSER").build()));
        bad.put("a therapist without clinic", tokens.signed(tokens.claims("therapist-a", dev.knotless.platform.security.Role.THERAPIST, null).build()));
        bad.put("no expiry", tokens.signed(tokens.claims("therapist-a", dev.knotless.platform.security.Role.THERAPIST, "clinic-a")
                .expirationTime(null).build()));
        bad.forEach((name, token) -> {
            for (Endpoint endpoint : endpoints()) {
                var result = call(withToken(token), endpoint);
                assertThat(result.getStatus().value()).as(name + " on " + endpoint.name()).isEqualTo(401);
                assertThat(result.getResponseHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).as(name)
                        .startsWith("Bearer").contains("invalid_token");
                assertThat(result.getResponseBody()).as(name).doesNotContain("Patient-Secret");
            }
        });
        assertUnchanged();
    }

    @Test
    void aTokenIsCheckedAgainstTheServicesClock() {
        String token = tokens.therapist("clinic-a");
        RestTestClient therapistA = withToken(token);
        therapistA.get().uri("/api/patients/{id}", patient).exchange().expectStatus().isOk();
        clock.advance(java.time.Duration.ofMinutes(16));
        try {
            therapistA.get().uri("/api/patients/{id}", patient).exchange().expectStatus().isUnauthorized();
        } finally {
            clock.set(java.time.Instant.parse(TestClockConfig.NOW));
        }
    }

    @Test
    void theRequestIdIsTheCallersWhenPlausibleElseANewOne() {
        therapistOf("clinic-a").get().uri("/api/patients/{id}", patient).header("X-Request-Id", "trace-42").exchange()
                .expectHeader().valueEquals("X-Request-Id", "trace-42");
        therapistOf("clinic-a").get().uri("/api/patients/{id}", patient).header("X-Request-Id", "<script>").exchange()
                .expectHeader().value("X-Request-Id", id -> assertThat(id).matches("[0-9a-f-]{36}"));
        anonymous.get().uri("/api/patients/{id}", patient).exchange()
                .expectHeader().value("X-Request-Id", id -> assertThat(id).matches("[0-9a-f-]{36}"));
    }

    // --- helpers -------------------------------------------------------------------------------

    /** Clinic-a's patient and assessments as stored, the same after every refused request. */
    private void assertUnchanged() {
        assertThat(snapshot()).as("clinic-a's data after the refused requests").isEqualTo(before);
    }

    private String snapshot() {
        Document stored = mongo.findById(patient.toString(), Document.class, "patients");
        stored.remove("outbox"); // the relay empties it when it published
        List<String> ids = stored.getList("assessmentIds", String.class);
        var assessments = new ArrayList<String>();
        for (String id : ids) {
            Document assessment = mongo.findById(id, Document.class, "assessments");
            assessment.remove("outbox");
            assessments.add(assessment.toJson());
        }
        return stored.toJson() + assessments;
    }

    private static JsonNode problem(EntityExchangeResult<String> result) {
        return JSON.readTree(result.getResponseBody());
    }

    /** The problem with every id blanked: what differs between two unknown ids. */
    private static String withoutIds(JsonNode problem) {
        return problem.toString().replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>")
                .replaceAll("clinic-[a-z0-9-]+", "<clinic>");
    }
}
