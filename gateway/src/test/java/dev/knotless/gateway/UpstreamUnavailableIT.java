package dev.knotless.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The gateway with all three services down (nothing listens on their ports). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UpstreamUnavailableIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int INTAKE_PORT = closedPort();
    private static final int SESSION_PORT = closedPort();
    private static final int OUTCOMES_PORT = closedPort();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void servicesThatAreDown(DynamicPropertyRegistry registry) {
        registry.add("knotless.gateway.services.intake", () -> "http://127.0.0.1:" + INTAKE_PORT);
        registry.add("knotless.gateway.services.session", () -> "http://127.0.0.1:" + SESSION_PORT);
        registry.add("knotless.gateway.services.outcomes", () -> "http://127.0.0.1:" + OUTCOMES_PORT);
        registry.add("knotless.gateway.auth.issuer", () -> AuthServerProcess.get().issuer());
        registry.add("knotless.gateway.auth.jwks-uri", () -> AuthServerProcess.get().jwksUri());
    }

    @ParameterizedTest(name = "{0} {1} -> 503 naming {2}")
    @CsvSource({
            "POST, /api/patients, intake-service",
            "GET, /api/patients/p-1/sessions, session-service",
            "GET, /api/patients/p-1/timeline, outcomes-service",
            "POST, /api/surveys/t0k3n, outcomes-service",
            "GET, /api/clinics/clinic-a/audit, intake-service"})
    void aServiceThatIsDownIsAServiceUnavailableProblemNamingIt(String method, String path, String service) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .timeout(Duration.ofSeconds(20))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + AuthServerProcess.get().accessToken("therapist-a"))
                        .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("type").asString()).isEqualTo("/problems/service-unavailable");
        assertThat(problem.path("status").asInt()).isEqualTo(503);
        assertThat(problem.path("service").asString()).isEqualTo(service);
        assertThat(problem.path("detail").asString()).contains(service);
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
