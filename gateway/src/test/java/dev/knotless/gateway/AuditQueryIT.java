package dev.knotless.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.gateway.FakeAuditService.Behaviour;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The gateway's own {@code GET /api/clinics/{clinicId}/audit} against three fake services that page
 * their audit trails as the platform does: the merge over HTTP, the caller's token and request id
 * relayed, the window fixed by the first page, bad parameters, and each way a service can refuse or
 * fail. Calls carry admin-a's real access token from the auth-server ({@link AuthServerProcess}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.cloud.gateway.server.webflux.httpclient.response-timeout=1s")
class AuditQueryIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final FakeAuditService intake = new FakeAuditService();
    private static final FakeAuditService session = new FakeAuditService();
    private static final FakeAuditService outcomes = new FakeAuditService();
    private static final Instant T0 = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
    private static String token;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        registry.add("knotless.gateway.services.intake", intake::url);
        registry.add("knotless.gateway.services.session", session::url);
        registry.add("knotless.gateway.services.outcomes", outcomes::url);
        registry.add("knotless.gateway.auth.issuer", () -> AuthServerProcess.get().issuer());
        registry.add("knotless.gateway.auth.jwks-uri", () -> AuthServerProcess.get().jwksUri());
    }

    private static synchronized String token() {
        if (token == null) {
            token = AuthServerProcess.get().accessToken("admin-a");
        }
        return token;
    }

    @AfterAll
    static void stopFakes() {
        Stream.of(intake, session, outcomes).forEach(FakeAuditService::close);
    }

    /** 30 requests 10 ms apart, round robin over the three services, each paging 4 of its records at most. */
    @BeforeEach
    void interleavedTrails() {
        List<List<JsonNode>> trails = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<String> names = List.of("intake-service", "session-service", "outcomes-service");
        for (int i = 0; i < 30; i++) {
            trails.get(i % 3).add(record(names.get(i % 3), "r" + i, T0.plusMillis(10L * i)));
        }
        intake.reset(trails.get(0), 4);
        session.reset(trails.get(1), 4);
        outcomes.reset(trails.get(2), 4);
    }

    @Test
    void oneCallMergesTheThreeServicesAndFollowingNextReadsEveryRecordOnceInTimeOrder() throws Exception {
        String from = T0.minusSeconds(1).toString();
        String to = T0.plusSeconds(60).toString();
        List<String> requestIds = new ArrayList<>();
        List<String> pageRequestIds = new ArrayList<>();
        HttpResponse<String> response = get("/api/clinics/clinic-a/audit?from=" + from + "&to=" + to + "&limit=4");
        for (int pages = 1; ; pages++) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
            JsonNode page = JSON.readTree(response.body());
            assertThat(page.path("clinicId").asString()).isEqualTo("clinic-a");
            assertThat(page.path("from").asString()).isEqualTo(from);
            assertThat(page.path("to").asString()).isEqualTo(to);
            assertThat(page.path("records").size()).isLessThanOrEqualTo(4);
            page.path("records").forEach(record -> requestIds.add(record.path("requestId").asString()));
            pageRequestIds.add(response.headers().firstValue("X-Request-Id").orElseThrow());
            assertThat(pages).as("pages").isLessThan(40);
            if (page.path("next").isNull()) {
                break;
            }
            // The cursor alone: it carries the window.
            response = get("/api/clinics/clinic-a/audit?limit=4&cursor=" + page.path("next").asString());
        }

        assertThat(requestIds).isEqualTo(IntStream.range(0, 30).mapToObj(i -> "r" + i).toList());
        for (FakeAuditService service : List.of(intake, session, outcomes)) {
            assertThat(service.received()).allSatisfy(received -> {
                assertThat(received.path()).isEqualTo("/api/clinics/clinic-a/audit");
                assertThat(received.authorization()).isEqualTo("Bearer " + token());
                assertThat(received.query()).containsEntry("from", from).containsEntry("to", to).doesNotContainKey("patientId");
                assertThat(pageRequestIds).contains(received.requestId());
                assertThat(Integer.parseInt(received.query().get("limit"))).isBetween(1, 4);
            });
        }
    }

    @Test
    void theRecordsPassUntouchedAndThePageHasThePlatformsShape() throws Exception {
        HttpResponse<String> response = get("/api/clinics/clinic-a/audit?limit=2");

        JsonNode page = JSON.readTree(response.body());
        assertThat(page.propertyNames()).containsExactly("clinicId", "from", "to", "records", "next");
        assertThat(page.path("records").get(0)).isEqualTo(record("intake-service", "r0", T0));
        assertThat(page.path("next").isString()).isTrue();
    }

    @Test
    void withoutFromAndToTheWindowIsTheDayUntilNowAndTheCursorKeepsIt() throws Exception {
        Instant before = Instant.now();
        JsonNode first = JSON.readTree(get("/api/clinics/clinic-a/audit?limit=10").body());
        Instant to = Instant.parse(first.path("to").asString());

        assertThat(to).isBetween(before.truncatedTo(ChronoUnit.MILLIS), Instant.now());
        assertThat(Instant.parse(first.path("from").asString())).isEqualTo(to.minus(1, ChronoUnit.DAYS));
        JsonNode second = JSON.readTree(get("/api/clinics/clinic-a/audit?cursor=" + first.path("next").asString()).body());
        assertThat(second.path("to").asString()).isEqualTo(first.path("to").asString());
        assertThat(intake.received().getLast().query()).containsEntry("to", to.toString());
    }

    @Test
    void aPatientFilterGoesToEveryService() throws Exception {
        String patientId = "3f2b7c1e-9a4d-4e21-8c55-0d6b1f2a9e10";

        assertThat(get("/api/clinics/clinic-a/audit?patientId=" + patientId).statusCode()).isEqualTo(200);

        Stream.of(intake, session, outcomes).forEach(service ->
                assertThat(service.received().getFirst().query()).containsEntry("patientId", patientId));
    }

    @ParameterizedTest(name = "{0} -> 400 naming {1}")
    @CsvSource({
            "limit=0, limit", "limit=501, limit", "limit=ten, limit",
            "from=yesterday, from", "to=2026-13-01T00:00:00Z, to", "from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z, from",
            "patientId=p-1, patientId",
            "cursor=bm90LWEtY3Vyc29y, cursor", "cursor=%%%, cursor", "cursor=eyJ2IjoxfQ, cursor"})
    void aBadParameterIsAProblemNamingItAndReachesNoService(String query, String field) throws Exception {
        HttpResponse<String> response = get("/api/clinics/clinic-a/audit?" + query.replace("%%%", URLEncoder.encode("%%%", StandardCharsets.UTF_8)));

        JsonNode problem = assertProblem(response, 400);
        assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo(field);
        assertThat(problem.path("detail").asString()).startsWith(field + ":");
        assertThat(Stream.of(intake, session, outcomes).allMatch(service -> service.received().isEmpty())).isTrue();
    }

    @Test
    void aCursorOfAnotherClinicOrWindowIsRefused() throws Exception {
        String next = JSON.readTree(get("/api/clinics/clinic-a/audit?limit=2").body()).path("next").asString();

        assertProblem(get("/api/clinics/clinic-b/audit?cursor=" + next), 400);
        assertProblem(get("/api/clinics/clinic-a/audit?from=2020-01-01T00:00:00Z&cursor=" + next), 400);
        assertThat(get("/api/clinics/clinic-a/audit?cursor=" + next).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "one service answers {0}: the caller gets its {0} and no records")
    @ValueSource(ints = {401, 403, 404, 400})
    void aServicesRefusalIsPassedOnAsItCameWithNoRecords(int status) throws Exception {
        session.refuse(status);

        HttpResponse<String> response = get("/api/clinics/clinic-a/audit");

        JsonNode problem = assertProblem(response, status);
        assertThat(problem.path("type").asString()).isEqualTo("/problems/refused-" + status);
        assertThat(problem.has("records")).isFalse();
        assertThat(response.body()).doesNotContain("\"r0\"");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void whenTheServicesDisagreeTheMostBasicRefusalWins() throws Exception {
        intake.refuse(404);
        outcomes.refuse(403);

        assertProblem(get("/api/clinics/clinic-a/audit"), 403);
    }

    @Test
    void aTherapistsRefusalOnALaterPageStillReturnsNothing() throws Exception {
        String next = JSON.readTree(get("/api/clinics/clinic-a/audit?limit=2").body()).path("next").asString();
        outcomes.refuse(403);

        assertProblem(get("/api/clinics/clinic-a/audit?cursor=" + next), 403);
    }

    @ParameterizedTest(name = "outcomes-service {0}: 503 naming it")
    @CsvSource({"FAIL, answered 503", "HANG, did not answer in time", "CLOSE, closed the connection", "GARBAGE, not an audit page"})
    void aServiceDownOrFailingIsA503NamingItNeverAPartialTrail(Behaviour behaviour, String why) throws Exception {
        outcomes.behave(behaviour);
        long started = System.nanoTime();

        HttpResponse<String> response = get("/api/clinics/clinic-a/audit");

        JsonNode problem = assertProblem(response, 503);
        assertThat(problem.path("type").asString()).isEqualTo("/problems/service-unavailable");
        assertThat(problem.path("service").asString()).isEqualTo("outcomes-service");
        assertThat(problem.path("detail").asString()).contains("outcomes-service").contains(why);
        assertThat(problem.has("records")).isFalse();
        assertThat(response.body()).doesNotContain("\"r0\"");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("within the response timeout").isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void withoutATokenTheGatewayRefusesBeforeAskingAnyService() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/clinics/clinic-a/audit"))
                .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertProblem(response, 401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(Stream.of(intake, session, outcomes).allMatch(service -> service.received().isEmpty())).isTrue();
    }

    @Test
    void theOtherClinicPathsStillGoToOutcomesService() throws Exception {
        // The fake answers any path; what matters is that the gateway routed it rather than merging.
        HttpResponse<String> response = get("/api/clinics/clinic-a/dashboard");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(outcomes.received()).singleElement().extracting(FakeAuditService.Received::path).isEqualTo("/api/clinics/clinic-a/dashboard");
        assertThat(intake.received()).isEmpty();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token())
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        return problem;
    }

    private static JsonNode record(String service, String requestId, Instant at) {
        ObjectNode record = JSON.createObjectNode();
        record.put("requestId", requestId);
        record.put("at", at.toString());
        record.put("service", service);
        record.put("subject", "admin-a");
        record.put("role", "CLINIC_ADMIN");
        record.put("action", "READ");
        record.put("resourceType", "patient");
        record.put("clinicId", "clinic-a");
        record.put("status", 200);
        return record;
    }
}
