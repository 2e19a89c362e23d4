package dev.knotless.auth.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.auth.AuthServerApplication;
import dev.knotless.auth.GatewaySignIn;
import dev.knotless.testsupport.EmbeddedInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * A restart signs nobody out: what one auth-server issued, a new one on the same database (and keys)
 * honours: the gateway's refresh token, an access token at the userinfo endpoint, a code not yet exchanged.
 */
class AuthorizationRestartIT {

    static final String SECRET = "restart-test-gateway-secret";
    static final String PASSWORD = "restart-test-demo-password";

    @TempDir
    Path keys;

    private final String database = "knotless-auth-restart-tokens-" + System.nanoTime();

    @Test
    void aNewAuthServerOnTheSameDatabaseHonoursTheTokensTheFirstIssued() throws Exception {
        Map<String, Object> beforeRestart;
        Map<String, Object> stillInUse;
        String codeNotYetExchanged;
        try (ConfigurableApplicationContext first = start()) {
            GatewaySignIn gateway = new GatewaySignIn(base(first), SECRET);
            beforeRestart = gateway.tokens("therapist-a", PASSWORD);
            stillInUse = gateway.tokens("therapist-b", PASSWORD);
            codeNotYetExchanged = gateway.code("admin-a", PASSWORD);
        }

        try (ConfigurableApplicationContext second = start()) {
            GatewaySignIn gateway = new GatewaySignIn(base(second), SECRET);
            NimbusJwtDecoder jwks = NimbusJwtDecoder.withJwkSetUri(base(second) + "/oauth2/jwks").build();

            HttpResponse<String> refreshed = gateway.refresh((String) beforeRestart.get("refresh_token"));
            assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
            Map<String, Object> renewed = GatewaySignIn.json(refreshed);
            Jwt access = jwks.decode((String) renewed.get("access_token"));
            assertThat(access.getSubject()).isEqualTo("therapist-a");
            assertThat(access.getClaimAsString("clinic_id")).isEqualTo("clinic-a");
            assertThat(renewed.get("refresh_token")).as("a new refresh token each time").isNotEqualTo(beforeRestart.get("refresh_token"));

            HttpResponse<String> replayed = gateway.refresh((String) beforeRestart.get("refresh_token"));
            assertThat(replayed.statusCode()).as("the replaced refresh token is spent").isEqualTo(400);
            assertThat(replayed.body()).contains("invalid_grant");
            assertThat(gateway.refresh((String) renewed.get("refresh_token")).statusCode()).isEqualTo(200);

            HttpResponse<String> userInfo = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base(second) + "/userinfo"))
                    .header("Authorization", "Bearer " + stillInUse.get("access_token")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(userInfo.statusCode()).as("an access token issued before the restart: " + userInfo.body()).isEqualTo(200);
            assertThat(userInfo.body()).contains("\"sub\":\"therapist-b\"");

            HttpResponse<String> signedOut = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base(second)
                    + "/connect/logout?id_token_hint=" + stillInUse.get("id_token") + "&client_id=" + GatewaySignIn.CLIENT_ID
                    + "&post_logout_redirect_uri=http://localhost:8080/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(signedOut.statusCode()).as("the gateway's sign-out with an ID token from before the restart: " + signedOut.body())
                    .isEqualTo(302);
            assertThat(signedOut.headers().firstValue("Location")).hasValue("http://localhost:8080/");

            HttpResponse<String> exchanged = gateway.exchange(codeNotYetExchanged);
            assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
            assertThat(jwks.decode((String) GatewaySignIn.json(exchanged).get("access_token")).getSubject()).isEqualTo("admin-a");
            assertThat(gateway.exchange(codeNotYetExchanged).statusCode()).as("a code is used once").isEqualTo(400);
        }
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(AuthServerApplication.class).run(
                "--server.port=0",
                "--spring.mongodb.uri=" + EmbeddedInfrastructure.mongoUri(database),
                "--knotless.auth.keys-dir=" + keys,
                "--knotless.auth.demo-accounts.enabled=true",
                "--knotless.auth.demo-accounts.password=" + PASSWORD,
                "--knotless.auth.clients.gateway.secret=" + SECRET);
    }

    private static String base(ConfigurableApplicationContext context) {
        return "http://localhost:" + ((WebServerApplicationContext) context).getWebServer().getPort();
    }
}
