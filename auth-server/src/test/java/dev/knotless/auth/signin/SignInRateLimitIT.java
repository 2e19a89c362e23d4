package dev.knotless.auth.signin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.auth.AuthServerTestStore;
import dev.knotless.testsupport.MutableClock;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The sign-in form's limit per client address: 3 posts a minute here, the fourth a 429 with Retry-After, allowed again after it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "knotless.auth.sign-in-rate-limit.requests=3",
        "knotless.auth.sign-in-rate-limit.per=1m"})
class SignInRateLimitIT {

    static final MutableClock CLOCK = MutableClock.startingAt("2026-11-19T09:00:00Z");
    private static final Pattern CSRF = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");

    @TestConfiguration
    static class TestClock {
        @Bean
        @Primary
        MutableClock testClock() {
            return CLOCK;
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        AuthServerTestStore.register(registry, "knotless-auth-rate-limit");
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

    @Test
    void theFourthSignInPostInAMinuteFromOneAddressIsRefusedWithRetryAfter() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(postSignIn().statusCode()).as("attempt %d: the form's usual redirect", i + 1).isEqualTo(302);
        }

        HttpResponse<String> refused = postSignIn();

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains("\"type\":\"/problems/too-many-requests\"");
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(get("/login").statusCode()).as("the form itself is still shown").isEqualTo(200);

        CLOCK.advance(Duration.ofSeconds(retryAfter));
        assertThat(postSignIn().statusCode()).isEqualTo(302);
    }

    private HttpResponse<String> postSignIn() throws Exception {
        Matcher csrf = CSRF.matcher(get("/login").body());
        assertThat(csrf.find()).isTrue();
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(csrf.group(1) + "=" + csrf.group(2) + "&username=nobody&password=wrong"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
