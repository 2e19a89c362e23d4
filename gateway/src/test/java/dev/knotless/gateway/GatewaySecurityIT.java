package dev.knotless.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's security against the real auth-server ({@link AuthServerProcess}) and stub
 * services: bearer tokens, the browser's sign-in through the form, CSRF, sign-out, idle timeout,
 * headers, CORS and the survey rate limit. The gateway listens on the port the auth-server sends
 * browsers back to; sessions and rate limits read a clock the tests move.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT, properties = {
        "knotless.gateway.auth.client-secret=" + AuthServerProcess.CLIENT_SECRET,
        "knotless.gateway.rate-limit.surveys.requests=5",
        "knotless.gateway.cors.allowed-origins=https://clinic.example"})
class GatewaySecurityIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TestClock CLOCK = new TestClock(Instant.now());
    private static final StubService intake = new StubService("intake");
    private static final StubService session = new StubService("session");
    private static final StubService outcomes = new StubService("outcomes");
    private static final int MANAGEMENT_PORT = AuthServerProcess.fixedPort();

    @TestConfiguration
    static class MovableTime {
        @Bean
        @Primary
        TestClock testClock() {
            return CLOCK;
        }
    }

    @DynamicPropertySource
    static void wiring(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> AuthServerProcess.GATEWAY_PORT);
        registry.add("management.server.port", () -> MANAGEMENT_PORT);
        registry.add("knotless.gateway.services.intake", intake::url);
        registry.add("knotless.gateway.services.session", session::url);
        registry.add("knotless.gateway.services.outcomes", outcomes::url);
        registry.add("knotless.gateway.auth.issuer", () -> AuthServerProcess.get().issuer());
        registry.add("knotless.gateway.auth.jwks-uri", () -> AuthServerProcess.get().jwksUri());
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterAll
    static void stopStubs() {
        Stream.of(intake, session, outcomes).forEach(StubService::close);
    }

    @BeforeEach
    void forgetEarlierRequestsAndTime() {
        Stream.of(intake, session, outcomes).forEach(StubService::forget);
        CLOCK.set(Instant.now()); // the tokens' times are the auth-server's, the real ones
    }

    private static String gateway() {
        return "http://localhost:" + AuthServerProcess.GATEWAY_PORT;
    }

    // ---- API clients: bearer tokens

    @Test
    void aValidBearerTokenIsAcceptedAndRelayedUnchanged() throws Exception {
        String token = AuthServerProcess.get().accessToken("therapist-b");

        HttpResponse<String> response = http.send(api("GET", "/api/patients/p-1").header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(intake.received()).singleElement().extracting(StubService.Received::authorization).isEqualTo("Bearer " + token);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-a-jwt", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0aGVyYXBpc3QtYSJ9.", "tampered"})
    void aBadBearerTokenIsA401FromTheGatewayThatReachesNoService(String token) throws Exception {
        if (token.equals("tampered")) {
            String real = AuthServerProcess.get().accessToken("therapist-a");
            String[] parts = real.split("\\.");
            // another payload under the real signature
            token = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString("{\"sub\":\"admin-a\",\"aud\":\"knotless-api\",\"role\":\"CLINIC_ADMIN\"}".getBytes()) + "." + parts[2];
        }

        HttpResponse<String> response = http.send(api("GET", "/api/patients/p-1").header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());

        assertProblem(response, 401, "/problems/unauthorized");
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer error=\"invalid_token\"");
        assertThat(intake.received()).isEmpty();
    }

    @Test
    void anApiCallWithoutTokenOrSessionIsA401WithWwwAuthenticate() throws Exception {
        HttpResponse<String> response = http.send(api("POST", "/api/patients").build(), HttpResponse.BodyHandlers.ofString());

        assertProblem(response, 401, "/problems/unauthorized");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(response.headers().firstValue("Set-Cookie").orElse("")).as("no session for a refused API call").doesNotContain("SESSION");
        assertThat(intake.received()).isEmpty();
    }

    // ---- browsers: sign-in, CSRF, sign-out, idle timeout

    @Test
    void aBrowserSignsInThroughTheFormAndItsApiCallsReachTheServiceWithItsAccessToken() throws Exception {
        Browser browser = new Browser();

        HttpResponse<String> page = browser.openSigningIn(URI.create(gateway() + "/api/patients/p-1"), "therapist-a", AuthServerProcess.DEMO_PASSWORD);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.uri().toString()).isEqualTo(gateway() + "/api/patients/p-1");
        StubService.Received received = intake.received().getLast();
        assertThat(received.authorization()).startsWith("Bearer ");
        Jwt token = NimbusJwtDecoder.withJwkSetUri(AuthServerProcess.get().jwksUri()).build().decode(received.authorization().substring(7));
        assertThat(token.getSubject()).isEqualTo("therapist-a");
        assertThat(token.getAudience()).contains("knotless-api");
        assertThat(token.getClaimAsString("clinic_id")).isEqualTo("clinic-a");
        assertThat(received.cookie()).as("the gateway's cookies stay at the gateway").isNull();
        HttpCookie sessionCookie = browser.cookies.getCookieStore().getCookies().stream()
                .filter(cookie -> cookie.getName().equals("SESSION")).findFirst().orElseThrow();
        assertThat(sessionCookie.isHttpOnly()).isTrue();
        assertThat(page.body()).doesNotContain(received.authorization().substring(7));

        HttpResponse<String> again = browser.send(api("GET", "/api/patients/p-2").build());
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(intake.received().getLast().authorization()).isEqualTo(received.authorization());
    }

    @Test
    void aSignedInBrowsersAuditQueryAsksEachServiceWithItsAccessToken() throws Exception {
        Browser browser = signedIn("admin-a");
        Stream.of(intake, session, outcomes).forEach(StubService::forget);

        HttpResponse<String> response = browser.send(api("GET", "/api/clinics/clinic-a/audit").build());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("records")).hasSize(3);
        for (StubService service : List.of(intake, session, outcomes)) {
            StubService.Received received = service.received().getLast();
            assertThat(received.pathAndQuery()).startsWith("/api/clinics/clinic-a/audit?");
            assertThat(received.cookie()).isNull();
            Jwt token = NimbusJwtDecoder.withJwkSetUri(AuthServerProcess.get().jwksUri()).build().decode(received.authorization().substring(7));
            assertThat(token.getSubject()).isEqualTo("admin-a");
            assertThat(token.getClaimAsString("role")).isEqualTo("CLINIC_ADMIN");
        }
    }

    @Test
    void aCookieAuthenticatedWriteNeedsTheCsrfToken() throws Exception {
        Browser browser = signedIn("therapist-a");
        intake.forget();

        HttpResponse<String> without = browser.send(api("POST", "/api/patients").build());
        HttpResponse<String> wrong = browser.send(api("POST", "/api/patients").header("X-XSRF-TOKEN", "guessed").build());

        assertProblem(without, 403, "/problems/csrf-token-missing");
        assertProblem(wrong, 403, "/problems/csrf-token-missing");
        assertThat(intake.received()).isEmpty();

        String csrf = browser.cookie("XSRF-TOKEN").orElseThrow();
        HttpResponse<String> with = browser.send(api("POST", "/api/patients").header("X-XSRF-TOKEN", csrf).build());

        assertThat(with.statusCode()).isEqualTo(201);
        assertThat(intake.received()).singleElement().satisfies(received -> assertThat(received.authorization()).startsWith("Bearer ey"));
    }

    @Test
    void signingOutEndsTheSessionAndSignsOutAtTheAuthServer() throws Exception {
        Browser browser = signedIn("admin-a");
        String csrf = browser.cookie("XSRF-TOKEN").orElseThrow();

        HttpResponse<String> signOut = browser.send(HttpRequest.newBuilder(URI.create(gateway() + "/logout"))
                .header("X-XSRF-TOKEN", csrf).POST(HttpRequest.BodyPublishers.noBody()).build());

        assertThat(signOut.statusCode()).isEqualTo(302);
        String location = signOut.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(AuthServerProcess.get().issuer() + "/connect/logout?").contains("id_token_hint=");
        HttpResponse<String> afterRpLogout = browser.follow(signOut);
        assertThat(afterRpLogout.uri().toString()).as("the auth-server sends the browser back").isEqualTo(gateway() + "/");

        intake.forget();
        HttpResponse<String> after = browser.send(api("GET", "/api/patients/p-1").build());
        assertProblem(after, 401, "/problems/unauthorized");
        assertThat(intake.received()).isEmpty();
        HttpResponse<String> signInAgain = browser.send(HttpRequest.newBuilder(URI.create(gateway() + "/api/patients/p-1"))
                .header("Accept", "text/html").build());
        assertThat(signInAgain.statusCode()).as("a page asks for signing in again").isEqualTo(302);
        assertThat(browser.follow(signInAgain).uri().getPath()).as("at the auth-server's form: its session ended too").isEqualTo("/login");
    }

    @Test
    void aSessionIdleForLongerThanTheIdleTimeoutIsSignedOut() throws Exception {
        Browser browser = signedIn("therapist-a");

        CLOCK.advance(Duration.ofMinutes(14));
        assertThat(browser.send(api("GET", "/api/patients/p-1").build()).statusCode()).as("14 minutes idle").isEqualTo(200);
        CLOCK.advance(Duration.ofMinutes(14));
        assertThat(browser.send(api("GET", "/api/patients/p-1").build()).statusCode()).as("each request restarts the idle time").isEqualTo(200);
        intake.forget();
        CLOCK.advance(Duration.ofMinutes(15).plusSeconds(1));

        HttpResponse<String> idle = browser.send(api("GET", "/api/patients/p-1").build());

        assertProblem(idle, 401, "/problems/unauthorized");
        assertThat(intake.received()).isEmpty();
    }

    @Test
    void anExpiredAccessTokenIsRenewedWithTheRefreshTokenWhileTheSessionLasts() throws Exception {
        Browser browser = signedIn("therapist-a");
        String first = intake.received().getLast().authorization();

        CLOCK.advance(Duration.ofMinutes(10));
        assertThat(browser.send(api("GET", "/api/patients/p-1").build()).statusCode()).isEqualTo(200);
        assertThat(intake.received().getLast().authorization()).as("still valid: the same token").isEqualTo(first);
        CLOCK.advance(Duration.ofMinutes(10)); // 20 minutes after sign-in: the 15-minute token has expired

        HttpResponse<String> later = browser.send(api("GET", "/api/patients/p-1").build());

        assertThat(later.statusCode()).isEqualTo(200);
        String renewed = intake.received().getLast().authorization();
        assertThat(renewed).startsWith("Bearer ").isNotEqualTo(first);
        Jwt token = NimbusJwtDecoder.withJwkSetUri(AuthServerProcess.get().jwksUri()).build().decode(renewed.substring(7));
        assertThat(token.getSubject()).isEqualTo("therapist-a");
        assertThat(token.getClaimAsString("clinic_id")).isEqualTo("clinic-a");
    }

    // ---- headers, CORS, limits

    @Test
    void everyResponseCarriesTheSecurityHeadersAndEveryApiResponseNoStore() throws Exception {
        String token = AuthServerProcess.get().accessToken("therapist-a");
        HttpResponse<String> relayed = http.send(api("GET", "/api/patients/cacheable").header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> refused = http.send(api("GET", "/api/patients/p-1").build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> survey = http.send(api("GET", "/api/surveys/t0k3n-headers").build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> unknown = http.send(api("GET", "/nothing-here").build(), HttpResponse.BodyHandlers.ofString());

        for (HttpResponse<String> response : java.util.List.of(relayed, refused, survey, unknown)) {
            assertThat(response.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("frame-ancestors 'none'");
            assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
            assertThat(response.headers().firstValue("Strict-Transport-Security")).as("no TLS here").isEmpty();
        }
        assertThat(relayed.statusCode()).isEqualTo(200);
        for (HttpResponse<String> response : java.util.List.of(relayed, refused, survey)) {
            assertThat(response.headers().allValues("Cache-Control")).as(response.uri().toString()).containsExactly("no-store");
        }
    }

    @Test
    void aCorsPreflightFromAnUnknownOriginIsRefusedAndFromAConfiguredOneAllowed() throws Exception {
        HttpResponse<String> unknown = http.send(preflight("https://attacker.example"), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> configured = http.send(preflight("https://clinic.example"), HttpResponse.BodyHandlers.ofString());

        assertThat(unknown.statusCode()).isEqualTo(403);
        assertThat(unknown.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(configured.statusCode()).isEqualTo(200);
        assertThat(configured.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://clinic.example");
        assertThat(configured.headers().firstValue("Access-Control-Allow-Headers").orElseThrow().toLowerCase())
                .contains("idempotency-key");
        assertThat(Stream.of(intake, session, outcomes).allMatch(stub -> stub.received().isEmpty())).isTrue();
    }

    @Test
    void theSurveyEndpointsAreAnonymousAndLimitedPerAddress() throws Exception {
        CLOCK.advance(Duration.ofHours(1)); // a full allowance, whatever ran before
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> allowed = http.send(api(i % 2 == 0 ? "GET" : "POST", "/api/surveys/guess-" + i).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(allowed.statusCode()).as("request %d", i + 1).isIn(200, 201);
        }

        HttpResponse<String> refused = http.send(api("GET", "/api/surveys/guess-6").build(), HttpResponse.BodyHandlers.ofString());

        assertProblem(refused, 429, "/problems/too-many-requests");
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(outcomes.received()).hasSize(5);

        CLOCK.advance(Duration.ofSeconds(retryAfter));
        assertThat(http.send(api("GET", "/api/surveys/guess-7").build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .as("allowed again after Retry-After").isEqualTo(200);
    }

    private Browser signedIn(String username) throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.openSigningIn(URI.create(gateway() + "/api/patients/p-0"), username, AuthServerProcess.DEMO_PASSWORD);
        assertThat(page.statusCode()).as("signed in: " + page.body()).isEqualTo(200);
        return browser;
    }

    private static HttpRequest.Builder api(String method, String path) {
        return HttpRequest.newBuilder(URI.create(gateway() + path))
                .timeout(Duration.ofSeconds(20))
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
    }

    private static HttpRequest preflight(String origin) {
        return HttpRequest.newBuilder(URI.create(gateway() + "/api/patients"))
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type,idempotency-key")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .build();
    }

    private static void assertProblem(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("type").asString()).isEqualTo(type);
    }
}
