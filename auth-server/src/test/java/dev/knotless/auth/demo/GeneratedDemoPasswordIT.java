package dev.knotless.auth.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.knotless.auth.AuthProperties;
import dev.knotless.auth.account.StaffAccounts;
import dev.knotless.launcher.AuthorizationCodeFlow;
import dev.knotless.auth.AuthServerTestStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Without KNOTLESS_DEMO_PASSWORD: a password generated on the first start, printed once, kept only hashed. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GeneratedDemoPasswordIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        AuthServerTestStore.register(registry, "knotless-auth-generated-demo");
    }

    @LocalServerPort
    int port;

    @Autowired
    StaffAccounts accounts;

    @Autowired
    MongoTemplate mongo;

    @Test
    void theFirstStartPrintsAGeneratedPasswordOnceAndStoresOnlyItsHash() throws Exception {
        assertThat(accounts.exists("therapist-a")).as("off by default").isFalse();
        var settings = new AuthProperties.DemoAccounts(true, "", false);

        String firstStart = start(settings);
        String password = passwordIn(firstStart);
        List<Document> stored = mongo.getCollection("staff_accounts").find().into(new ArrayList<>());

        assertThat(password).hasSizeGreaterThanOrEqualTo(20);
        assertThat(stored).hasSize(4).allSatisfy(account -> assertThat(account.getString("passwordHash")).startsWith("{bcrypt}"));
        assertThat(stored.toString()).doesNotContain(password);
        assertThat(new AuthorizationCodeFlow(URI.create("http://localhost:" + port)).accessToken("operator", password)).isNotBlank();

        String secondStart = start(settings);

        assertThat(secondStart).as("nothing printed on a restart").isEmpty();
        assertThat(mongo.getCollection("staff_accounts").find().into(new ArrayList<>())).isEqualTo(stored);

        String reset = start(new AuthProperties.DemoAccounts(true, "", true));
        String newPassword = passwordIn(reset);
        assertThat(newPassword).isNotEqualTo(password);
        assertThat(new AuthorizationCodeFlow(URI.create("http://localhost:" + port)).accessToken("therapist-b", newPassword)).isNotBlank();
        assertThatThrownBy(() -> new AuthorizationCodeFlow(URI.create("http://localhost:" + port)).accessToken("therapist-b", password))
                .isInstanceOf(AuthorizationCodeFlow.SignInException.class);
    }

    private static String passwordIn(String console) {
        return console.lines().filter(line -> line.startsWith(DemoAccounts.GENERATED_PASSWORD_LINE))
                .map(line -> line.substring(DemoAccounts.GENERATED_PASSWORD_LINE.length())).findFirst().orElseThrow();
    }

    private String start(AuthProperties.DemoAccounts settings) {
        var console = new ByteArrayOutputStream();
        new DemoAccounts(settings, accounts, new PrintStream(console, true, StandardCharsets.UTF_8)).run(new DefaultApplicationArguments());
        return console.toString(StandardCharsets.UTF_8);
    }
}
