package dev.knotless.auth.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.knotless.auth.AuthServerApplication;
import dev.knotless.launcher.AuthorizationCodeFlow;
import dev.knotless.testsupport.EmbeddedInfrastructure;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/** The first account of an installation without demo accounts: created once from the settings, never again, its password never printed. */
@ExtendWith(OutputCaptureExtension.class)
class FirstAccountIT {

    static final String PASSWORD = "the first admin's own passphrase";

    @TempDir
    Path keys;

    @Test
    void theFirstStartCreatesTheClinicAdminAndLaterStartsChangeNothing(CapturedOutput output) throws Exception {
        String database = "knotless-auth-bootstrap-" + System.nanoTime();
        try (ConfigurableApplicationContext first = start(database, "clinic-admin-1", "CLINIC_ADMIN", "clinic-z", PASSWORD)) {
            Jwt token = NimbusJwtDecoder.withJwkSetUri(base(first) + "/oauth2/jwks").build()
                    .decode(new AuthorizationCodeFlow(URI.create(base(first))).accessToken("clinic-admin-1", PASSWORD));
            assertThat(token.getClaimAsString("role")).isEqualTo("CLINIC_ADMIN");
            assertThat(token.getClaimAsString("clinic_id")).isEqualTo("clinic-z");
            MongoTemplate mongo = first.getBean(MongoTemplate.class);
            assertThat(mongo.getCollection("clinic_staff").find(new Document("_id", "clinic-z")).first().getList("usernames", String.class))
                    .containsExactly("clinic-admin-1");
            assertThat(mongo.getCollection("account_changes").find(new Document("username", "clinic-admin-1")).first())
                    .containsEntry("actor", "bootstrap").containsEntry("action", "created");
        }
        List<Document> stored;
        try (ConfigurableApplicationContext second = start(database, "clinic-admin-1", "CLINIC_ADMIN", "clinic-z", "a different long passphrase")) {
            stored = second.getBean(MongoTemplate.class).getCollection("staff_accounts").find().into(new ArrayList<>());
            assertThat(new AuthorizationCodeFlow(URI.create(base(second))).accessToken("clinic-admin-1", PASSWORD)).as("the first password stays")
                    .isNotBlank();
        }
        try (ConfigurableApplicationContext third = start(database, "another-admin", "CLINIC_ADMIN", "clinic-z", PASSWORD)) {
            assertThat(third.getBean(MongoTemplate.class).getCollection("staff_accounts").find().into(new ArrayList<>()))
                    .as("once per database: another name later creates nothing").isEqualTo(stored);
        }

        assertThat(output.getAll()).contains("First account clinic-admin-1 (CLINIC_ADMIN, clinic-z) created", "remove KNOTLESS_AUTH_BOOTSTRAP_PASSWORD")
                .doesNotContain(PASSWORD).doesNotContain("a different long passphrase");
    }

    @Test
    void badSettingsStopTheStartNamingTheVariableNotThePassword(CapturedOutput output) {
        String database = "knotless-auth-bootstrap-bad-" + System.nanoTime();

        Throwable weak = catchThrowable(() -> start(database, "clinic-admin-1", "CLINIC_ADMIN", "clinic-z", "short-secret").close());
        Throwable noClinic = catchThrowable(() -> start(database, "clinic-admin-1", "CLINIC_ADMIN", "", PASSWORD).close());
        Throwable therapist = catchThrowable(() -> start(database, "clinic-admin-1", "THERAPIST", "clinic-z", PASSWORD).close());

        assertThat(rootMessage(weak)).isEqualTo("KNOTLESS_AUTH_BOOTSTRAP_PASSWORD must be at least 15 characters");
        assertThat(rootMessage(noClinic)).isEqualTo("KNOTLESS_AUTH_BOOTSTRAP_CLINIC is required for a CLINIC_ADMIN");
        assertThat(rootMessage(therapist)).isEqualTo("KNOTLESS_AUTH_BOOTSTRAP_ROLE must be CLINIC_ADMIN or OPERATOR");
        assertThat(output.getAll()).doesNotContain("short-secret").doesNotContain(PASSWORD);
    }

    @Test
    void anOperatorCanBeTheFirstAccount() throws Exception {
        try (ConfigurableApplicationContext context = start("knotless-auth-bootstrap-op-" + System.nanoTime(), "ops", "OPERATOR", "", PASSWORD)) {
            Jwt token = NimbusJwtDecoder.withJwkSetUri(base(context) + "/oauth2/jwks").build()
                    .decode(new AuthorizationCodeFlow(URI.create(base(context))).accessToken("ops", PASSWORD));
            assertThat(token.getClaimAsString("role")).isEqualTo("OPERATOR");
            assertThat(token.hasClaim("clinic_id")).isFalse();
        }
    }

    private static String rootMessage(Throwable thrown) {
        Throwable cause = thrown;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }

    private ConfigurableApplicationContext start(String database, String username, String role, String clinic, String password) {
        return new SpringApplicationBuilder(AuthServerApplication.class).run(
                "--server.port=0",
                "--spring.mongodb.uri=" + EmbeddedInfrastructure.mongoUri(database),
                "--knotless.auth.keys-dir=" + keys,
                "--knotless.auth.bootstrap.username=" + username,
                "--knotless.auth.bootstrap.role=" + role,
                "--knotless.auth.bootstrap.clinic-id=" + clinic,
                "--knotless.auth.bootstrap.password=" + password);
    }

    private static String base(ConfigurableApplicationContext context) {
        return "http://localhost:" + ((WebServerApplicationContext) context).getWebServer().getPort();
    }
}
