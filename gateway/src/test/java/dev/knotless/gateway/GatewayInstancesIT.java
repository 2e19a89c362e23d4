package dev.knotless.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway in front of several instances of a service ({@code INTAKE_SERVICE_URL=a,b}): a
 * patient's requests go to one instance, the others in turn (Spring Cloud LoadBalancer, round robin
 * and hints); an instance that is down is routed around without a failure, and one that drops a
 * request after receiving it gets that request sent again elsewhere only when repeating it is
 * harmless (a GET, or a POST with an Idempotency-Key).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GatewayInstancesIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** intake-service: two instances that answer. */
    private static final StubService intakeA = new StubService("intake");
    private static final StubService intakeB = new StubService("intake");
    /** session-service: one that answers, one that is down (nothing listens on its port). */
    private static final StubService session = new StubService("session");
    private static final int SESSION_DOWN = closedPort();
    /** outcomes-service: one that answers, one that reads each request and closes the connection without an answer. */
    private static final StubService outcomes = new StubService("outcomes");
    private static final DroppingInstance outcomesDropping = new DroppingInstance();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @DynamicPropertySource
    static void instances(DynamicPropertyRegistry registry) {
        registry.add("knotless.gateway.services.intake", () -> intakeA.url() + "," + intakeB.url());
        registry.add("knotless.gateway.services.session", () -> "http://127.0.0.1:" + SESSION_DOWN + "," + session.url());
        registry.add("knotless.gateway.services.outcomes", () -> outcomesDropping.url() + ", " + outcomes.url());
        registry.add("knotless.gateway.auth.issuer", () -> AuthServerProcess.get().issuer());
        registry.add("knotless.gateway.auth.jwks-uri", () -> AuthServerProcess.get().jwksUri());
    }

    @AfterAll
    static void stopInstances() {
        Stream.of(intakeA, intakeB, session, outcomes).forEach(StubService::close);
        outcomesDropping.close();
    }

    @BeforeEach
    void forgetEarlierRequests() {
        Stream.of(intakeA, intakeB, session, outcomes).forEach(StubService::forget);
        outcomesDropping.received.set(0);
    }

    @Test
    void aPatientsRequestsStayOnOneInstanceWhileTheRestGoInTurn() throws Exception {
        for (int i = 0; i < 10; i++) {
            String patient = "/api/patients/p-" + i;
            assertThat(send("GET", patient, Map.of()).statusCode()).isEqualTo(200);
            assertThat(send("POST", patient + "/intake", Map.of()).statusCode()).isEqualTo(201);
            // A client's own hint is replaced by the patient's.
            assertThat(send("GET", patient + "/assessments", Map.of("X-SC-LB-Hint", "0")).statusCode()).isEqualTo(200);
            assertThat(send("GET", patient + "/assessments", Map.of("X-SC-LB-Hint", "1")).statusCode()).isEqualTo(200);
            long atA = intakeA.received().stream().filter(received -> received.pathAndQuery().startsWith(patient)).count();
            long atB = intakeB.received().stream().filter(received -> received.pathAndQuery().startsWith(patient)).count();
            assertThat(List.of(atA, atB)).as("the requests about p-" + i + " at each instance").containsExactlyInAnyOrder(4L, 0L);
        }
        assertThat(intakeA.received()).as("patients at each instance").isNotEmpty();
        assertThat(intakeB.received()).as("patients at each instance").isNotEmpty();

        Stream.of(intakeA, intakeB).forEach(StubService::forget);
        for (int i = 0; i < 4; i++) {
            assertThat(send("POST", "/api/patients", Map.of()).statusCode()).isEqualTo(201);
        }
        assertThat(intakeA.received()).as("requests about no patient, in turn").hasSize(2);
        assertThat(intakeB.received()).hasSize(2);
    }

    @Test
    void anInstanceThatIsDownIsRoutedAroundEvenForAPostWithoutKey() throws Exception {
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> response = send("POST", "/api/patients/p-" + i + "/sessions", Map.of());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            assertThat(send("GET", "/api/sessions/s-" + i, Map.of()).statusCode()).isEqualTo(200);
        }
        assertThat(session.received()).as("each request once, at the instance that is up").hasSize(12)
                .extracting(StubService.Received::pathAndQuery).doesNotHaveDuplicates();
    }

    @Test
    void aPostWithoutKeyThatMayHaveArrivedIsNotSentAgain() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> response = send("POST", "/api/follow-ups/f-" + i + "/survey-link", Map.of());
            statuses.add(response.statusCode());
            if (response.statusCode() == 503) {
                JsonNode problem = JSON.readTree(response.body());
                assertThat(problem.path("service").asString()).isEqualTo("outcomes-service");
                assertThat(problem.path("detail").asString()).contains("may or may not have been carried out", "Idempotency-Key");
            }
        }
        long refused = statuses.stream().filter(status -> status == 503).count();
        assertThat(statuses).containsOnly(201, 503);
        assertThat(refused).as("round robin sent half of them to the instance that drops them").isEqualTo(3);
        assertThat(outcomesDropping.received.get()).as("each dropped one reached that instance once").isEqualTo(3);
        assertThat(outcomes.received()).as("and was not sent again to the other").hasSize(3);
    }

    @Test
    void aPostWithAnIdempotencyKeyOrAGetThatWasDroppedIsSentToAnotherInstance() throws Exception {
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> post = send("POST", "/api/follow-ups/f-" + i + "/survey-link", Map.of("Idempotency-Key", "key-" + i));
            assertThat(post.statusCode()).as(post.body()).isEqualTo(201);
            assertThat(JSON.readTree(post.body()).path("body").asString()).as("the body sent again whole").isEqualTo("{\"n\":1}");
            assertThat(send("GET", "/api/sessions/s-" + i + "/follow-ups", Map.of()).statusCode()).isEqualTo(200);
        }
        assertThat(outcomesDropping.received.get()).as("some went to the dropping instance first").isPositive();
        assertThat(meters.counter("knotless.gateway.retries", "route", "outcomes-service", "kind", "after-failure").count())
                .as("counted as sent again").isGreaterThanOrEqualTo(outcomesDropping.received.get());
        assertThat(outcomes.received()).hasSize(12);
        assertThat(outcomes.received().stream().filter(received -> received.method().equals("POST")))
                .extracting(StubService.Received::idempotencyKey).doesNotHaveDuplicates().hasSize(6);
    }

    private HttpResponse<String> send(String method, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + AuthServerProcess.get().accessToken("therapist-a"))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{\"n\":1}") : HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An instance that dies with the request in hand: it reads the request's head and closes the connection. */
    static final class DroppingInstance implements AutoCloseable {
        final AtomicInteger received = new AtomicInteger();
        private final ServerSocket server;

        DroppingInstance() {
            try {
                server = new ServerSocket();
                server.bind(new InetSocketAddress("127.0.0.1", 0));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try (Socket socket = server.accept()) {
                        if (readHead(socket.getInputStream())) {
                            received.incrementAndGet();
                        }
                    } catch (IOException closed) {
                        // closing
                    }
                }
            });
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        private static boolean readHead(InputStream in) throws IOException {
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            for (int b = in.read(); b >= 0; b = in.read()) {
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
                if (matched == end.length) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
