package dev.knotless.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway against three stub services on random ports: routes, request ids, body limit,
 * timeouts, 404s. Calls carry a real access token from the auth-server ({@link AuthServerProcess}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.cloud.gateway.server.webflux.httpclient.response-timeout=1s")
class GatewayRoutingIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final StubService intake = new StubService("intake");
    private static final StubService auth = new StubService("auth");
    private static final StubService session = new StubService("session");
    private static final StubService outcomes = new StubService("outcomes");
    private static String token;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        registry.add("knotless.gateway.services.intake", intake::url);
        registry.add("knotless.gateway.services.session", session::url);
        registry.add("knotless.gateway.services.outcomes", outcomes::url);
        registry.add("knotless.gateway.services.auth", auth::url);
        registry.add("knotless.gateway.auth.issuer", () -> AuthServerProcess.get().issuer());
        registry.add("knotless.gateway.auth.jwks-uri", () -> AuthServerProcess.get().jwksUri());
    }

    private static synchronized String token() {
        if (token == null) {
            token = AuthServerProcess.get().accessToken("therapist-a");
        }
        return token;
    }

    @AfterAll
    static void stopStubs() {
        Stream.of(intake, session, outcomes, auth).forEach(StubService::close);
    }

    @BeforeEach
    void forgetEarlierRequests() {
        Stream.of(intake, session, outcomes, auth).forEach(StubService::forget);
    }

    static Stream<Arguments> routes() {
        return Stream.of(
                Arguments.of("POST", "/api/patients", "intake"),
                Arguments.of("GET", "/api/patients/p-1", "intake"),
                Arguments.of("POST", "/api/patients/p-1/intake", "intake"),
                Arguments.of("POST", "/api/patients/p-1/assessments", "intake"),
                Arguments.of("POST", "/api/patients/p-1/sessions", "session"),
                Arguments.of("GET", "/api/patients/p-1/sessions", "session"),
                Arguments.of("GET", "/api/patients/p-1/sessions/s-1", "session"),
                Arguments.of("GET", "/api/sessions/s-1", "session"),
                Arguments.of("GET", "/api/patients/p-1/timeline", "outcomes"),
                Arguments.of("GET", "/api/sessions/s-1/follow-ups", "outcomes"),
                Arguments.of("POST", "/api/follow-ups/f-1/survey-link", "outcomes"),
                Arguments.of("GET", "/api/surveys/t0k3n", "outcomes"),
                Arguments.of("POST", "/api/surveys/t0k3n", "outcomes"),
                Arguments.of("GET", "/api/clinics/clinic-a/alerts?status=OPEN", "outcomes"),
                Arguments.of("GET", "/api/clinics/clinic%20a/alerts?status=OPEN&since=2026-11-20T00%3A00%3A00Z&q=a+b", "outcomes"),
                Arguments.of("GET", "/api/clinics/clinic-a/dashboard", "outcomes"),
                Arguments.of("POST", "/api/alerts/a-1/acknowledge", "outcomes"),
                Arguments.of("GET", "/api/staff", "auth"),
                Arguments.of("POST", "/api/staff/therapist-c/unlock", "auth"));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("routes")
    void eachPathReachesItsServiceWithPathQueryAndBodyIntact(String method, String pathAndQuery, String service) throws Exception {
        String body = method.equals("POST") ? "{\"clinicId\":\"clinic-a\",\"givenName\":\"Test\",\"note\":\"é ✓\"}" : "";

        HttpResponse<String> response = send(method, pathAndQuery,
                body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));

        assertThat(response.statusCode()).isEqualTo(method.equals("POST") ? 201 : 200);
        JsonNode echo = JSON.readTree(response.body());
        assertThat(echo.path("service").asString()).isEqualTo(service);
        assertThat(echo.path("method").asString()).isEqualTo(method);
        assertThat(echo.path("pathAndQuery").asString()).isEqualTo(pathAndQuery);
        assertThat(echo.path("body").asString()).isEqualTo(body);
        assertThat(Stream.of(intake, session, outcomes, auth).mapToInt(stub -> stub.received().size()).sum())
                .as("exactly one service got the request").isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/api", "/api/unknown", "/api/patientsx", "/api/sessions/s-1/notes", "/api/sessions", "/index.html"})
    void anUnknownPathIsANotFoundProblemThatReachesNoService(String path) throws Exception {
        HttpResponse<String> response = send("GET", path, HttpRequest.BodyPublishers.noBody());

        assertProblem(response, 404, "/problems/not-found");
        assertThat(JSON.readTree(response.body()).path("instance").asString()).isEqualTo(path);
        assertThat(Stream.of(intake, session, outcomes, auth).allMatch(stub -> stub.received().isEmpty())).isTrue();
    }

    @Test
    void aServicesOwnProblemDetailPassesThroughUntouched() throws Exception {
        HttpResponse<String> response = send("GET", "/api/patients/unknown", HttpRequest.BodyPublishers.noBody());

        assertProblem(response, 404, "/problems/patient-not-found");
    }

    @Test
    void aRequestIdIsGeneratedPassedUpstreamAndReturned() throws Exception {
        HttpResponse<String> response = send("GET", "/api/patients/p-1", HttpRequest.BodyPublishers.noBody());

        String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(requestId).matches("[0-9a-f-]{36}");
        assertThat(intake.received()).singleElement().extracting(StubService.Received::requestId).isEqualTo(requestId);
    }

    @Test
    void theCallersRequestIdIsKeptWhenSaneAndReplacedWhenNot() throws Exception {
        HttpResponse<String> kept = http.send(request("GET", "/api/patients/p-1", HttpRequest.BodyPublishers.noBody())
                .header("X-Request-Id", "trace-42").build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> replaced = http.send(request("GET", "/api/patients/p-2", HttpRequest.BodyPublishers.noBody())
                .header("X-Request-Id", "x".repeat(65)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(kept.headers().firstValue("X-Request-Id")).hasValue("trace-42");
        assertThat(replaced.headers().firstValue("X-Request-Id").orElseThrow()).matches("[0-9a-f-]{36}");
        assertThat(intake.received()).extracting(StubService.Received::requestId)
                .containsExactly("trace-42", replaced.headers().firstValue("X-Request-Id").orElseThrow());
    }

    @Test
    void aProblemOfTheGatewayCarriesTheRequestId() throws Exception {
        HttpResponse<String> response = send("GET", "/api/unknown", HttpRequest.BodyPublishers.noBody());

        assertThat(JSON.readTree(response.body()).path("requestId").asString())
                .isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
    }

    @Test
    void aBodyOfExactly64KbPasses() throws Exception {
        HttpResponse<String> response = send("POST", "/api/patients", HttpRequest.BodyPublishers.ofByteArray(bytes(64 * 1024)));

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(intake.received()).singleElement().satisfies(received -> assertThat(received.body()).hasSize(64 * 1024));
    }

    @Test
    void aBodyOver64KbIsRefusedWith413BeforeReachingTheService() throws Exception {
        HttpResponse<String> response = send("POST", "/api/patients", HttpRequest.BodyPublishers.ofByteArray(bytes(64 * 1024 + 1)));

        assertProblem(response, 413, "/problems/payload-too-large");
        assertThat(intake.received()).isEmpty();
    }

    @Test
    void aChunkedBodyOver64KbIsRefusedWith413() throws Exception {
        byte[] body = bytes(200 * 1024);
        BodyPublisher chunked = HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));

        HttpResponse<String> response = send("POST", "/api/surveys/t0k3n", chunked);

        assertProblem(response, 413, "/problems/payload-too-large");
        assertThat(outcomes.received()).allSatisfy(received -> assertThat(received.body().length()).isLessThan(body.length));
    }

    @Test
    void aServiceThatDoesNotAnswerInTimeIsAServiceUnavailableProblemNamingIt() throws Exception {
        long started = System.nanoTime();

        HttpResponse<String> response = send("GET", "/api/clinics/clinic-a/slow", HttpRequest.BodyPublishers.noBody());

        assertProblem(response, 503, "/problems/service-unavailable");
        assertThat(JSON.readTree(response.body()).path("service").asString()).isEqualTo("outcomes-service");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2900));
        assertThat(JSON.readTree(response.body()).path("detail").asString()).as("a retry with the same key is safe")
                .contains("may or may not have been carried out", "same Idempotency-Key");
    }

    @Test
    void theIdempotencyKeyReachesTheServiceUnchanged() throws Exception {
        String key = "\"8e03978e-40d5-43e8-bc93-6894a57f9324\"";
        HttpResponse<String> response = http.send(request("POST", "/api/patients", HttpRequest.BodyPublishers.ofString("{}"))
                .header("Idempotency-Key", key).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isLessThan(500);
        assertThat(intake.received()).singleElement().extracting(StubService.Received::idempotencyKey).isEqualTo(key);
    }

    @Test
    void healthAndPrometheusAreExposedOnTheManagementPortOnly() throws Exception {
        String management = "http://localhost:" + managementPort;
        assertThat(http.send(HttpRequest.newBuilder(URI.create(management + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).contains("UP");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(management + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).contains("jvm_memory_used_bytes");

        for (String path : new String[] {"/actuator/health", "/actuator/health/readiness", "/actuator/prometheus", "/actuator"}) {
            HttpResponse<String> throughTheApiPort = send("GET", path, HttpRequest.BodyPublishers.noBody());
            assertProblem(throughTheApiPort, 404, "/problems/not-found");
            assertThat(throughTheApiPort.body()).doesNotContain("jvm_memory").doesNotContain("UP");
        }
        assertThat(Stream.of(intake, session, outcomes, auth).allMatch(stub -> stub.received().isEmpty())).isTrue();
    }

    @Test
    void theBearerTokenIsRelayedUnchangedAndNoCookieReachesAService() throws Exception {
        HttpResponse<String> response = http.send(request("GET", "/api/patients/p-1", HttpRequest.BodyPublishers.noBody())
                .header("Cookie", "SESSION=someone-elses; XSRF-TOKEN=x").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(intake.received()).singleElement().satisfies(received -> {
            assertThat(received.authorization()).isEqualTo("Bearer " + token());
            assertThat(received.cookie()).isNull();
        });
    }

    private static void assertProblem(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("type").asString()).isEqualTo(type);
    }

    private HttpResponse<String> send(String method, String pathAndQuery, BodyPublisher body) throws IOException, InterruptedException {
        return http.send(request(method, pathAndQuery, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String method, String pathAndQuery, BodyPublisher body) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token())
                .method(method, body);
    }

    private static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) 'a');
        return bytes;
    }
}
