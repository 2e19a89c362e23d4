package dev.knotless.auth.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.auth.AuthServerApplication;
import dev.knotless.testsupport.EmbeddedInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The signing key survives a restart: two starts on the same keys directory publish the same key id. */
class SigningKeyRestartIT {

    @TempDir
    Path keys;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aRestartSignsWithTheSameKeyAndARotationPublishesBoth() throws Exception {
        List<String> first = publishedKeyIds();
        List<String> second = publishedKeyIds();

        assertThat(first).hasSize(1);
        assertThat(second).isEqualTo(first);

        Files.createFile(keys.resolve(SigningKeys.ROTATE_MARKER));
        List<String> rotated = publishedKeyIds();
        assertThat(rotated).hasSize(2).contains(first.getFirst());
    }

    /** Starts the auth-server on the keys directory, reads its JWKS, stops it. */
    private List<String> publishedKeyIds() throws Exception {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(AuthServerApplication.class).run(
                "--server.port=0",
                "--spring.mongodb.uri=" + EmbeddedInfrastructure.mongoUri("knotless-auth-restart"),
                "--knotless.auth.keys-dir=" + keys)) {
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            HttpResponse<String> jwks = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/oauth2/jwks")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(jwks.statusCode()).isEqualTo(200);
            List<String> ids = new ArrayList<>();
            Matcher kid = Pattern.compile("\"kid\":\"([^\"]+)\"").matcher(jwks.body());
            while (kid.find()) {
                ids.add(kid.group(1));
            }
            return ids;
        }
    }
}
