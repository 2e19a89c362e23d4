package dev.knotless.auth.staff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.knotless.auth.GatewaySignIn;
import dev.knotless.auth.account.Role;
import dev.knotless.auth.account.StaffAccount;
import dev.knotless.auth.account.StaffAccounts;
import dev.knotless.launcher.AuthorizationCodeFlow;
import dev.knotless.auth.AuthServerTestStore;
import dev.knotless.testsupport.DocumentReads;
import dev.knotless.testsupport.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A clinic admin manages their clinic's staff at {@code /api/staff} with their access token; the
 * accounts they make sign in through the real form.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "knotless.auth.demo-accounts.enabled=true",
        "knotless.auth.demo-accounts.password=" + StaffApiIT.DEMO_PASSWORD,
        "knotless.auth.clients.gateway.secret=" + StaffApiIT.GATEWAY_SECRET,
        "knotless.auth.sign-in-rate-limit.requests=1000"})
class StaffApiIT {

    static final String DEMO_PASSWORD = "demo-password-for-staff-tests";
    static final String GATEWAY_SECRET = "staff-test-gateway-secret";
    static final String DATABASE = "knotless-auth-staff";
    static final String PASSWORD = "a long enough initial password";
    /** Set to the system's time before each test: the API checks the tokens Spring Authorization Server stamps with the system clock by this one. */
    static final MutableClock CLOCK = MutableClock.startingAt("2026-11-19T09:00:00Z");

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
        AuthServerTestStore.register(registry, DATABASE);
    }

    @LocalServerPort
    int port;

    @Autowired
    StaffAccounts accounts;

    @Autowired
    MongoTemplate mongo;

    private final HttpClient http = HttpClient.newHttpClient();
    private String adminA;

    @BeforeEach
    void signInAsAdminA() throws Exception {
        CLOCK.set(Instant.now());
        adminA = token("admin-a", DEMO_PASSWORD);
    }

    @Test
    void aClinicAdminListsTheirClinicsAccountsOnly() throws Exception {
        HttpResponse<String> list = get("/api/staff", adminA);

        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        assertThat(list.body()).contains("\"clinicId\":\"clinic-a\"", "\"username\":\"admin-a\"", "\"username\":\"therapist-a\"",
                "\"role\":\"THERAPIST\"").doesNotContain("therapist-b", "operator", "passwordHash", "bcrypt");
    }

    @Test
    void aCreatedTherapistSignsInWithThePasswordTheAdminChose() throws Exception {
        HttpResponse<String> created = post("/api/staff", adminA,
                "{\"username\":\"therapist-new\",\"role\":\"THERAPIST\",\"password\":\"" + PASSWORD + "\"}");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).hasValue("/api/staff/therapist-new");
        assertThat(created.body()).contains("\"username\":\"therapist-new\"", "\"clinicId\":\"clinic-a\"", "\"disabled\":false")
                .doesNotContain(PASSWORD);
        Jwt token = jwks().decode(token("therapist-new", PASSWORD));
        assertThat(token.getClaimAsString("clinic_id")).isEqualTo("clinic-a");
        assertThat(token.getClaimAsString("role")).isEqualTo("THERAPIST");
        assertThat(mongo.getCollection("staff_accounts").find(new Document("_id", "therapist-new")).first().getString("passwordHash"))
                .startsWith("{bcrypt}");
        assertThat(get("/api/staff", adminA).body()).contains("therapist-new");

        Document change = mongo.getCollection(AccountChanges.COLLECTION).find(new Document("username", "therapist-new")).first();
        assertThat(change).containsEntry("actor", "admin-a").containsEntry("clinicId", "clinic-a").containsEntry("action", "created");
        assertThat(change.toJson()).doesNotContain(PASSWORD).doesNotContain("bcrypt");

        HttpResponse<String> admin = post("/api/staff", adminA, "{\"username\":\"admin-new\",\"role\":\"CLINIC_ADMIN\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(admin.statusCode()).isEqualTo(201);
        assertThat(get("/api/staff", token("admin-new", PASSWORD)).statusCode()).as("the new admin manages the clinic too").isEqualTo(200);
    }

    @Test
    void everyBadInputIsA400NamingTheFieldAndWritesNothing() throws Exception {
        assertInvalid("{\"username\":\"Bad Name\",\"role\":\"THERAPIST\",\"password\":\"" + PASSWORD + "\"}", "username");
        assertInvalid("{\"role\":\"THERAPIST\",\"password\":\"" + PASSWORD + "\"}", "username");
        assertInvalid("{\"username\":\"therapist-weak\",\"role\":\"THERAPIST\",\"password\":\"short\"}", "password");
        assertInvalid("{\"username\":\"therapist-weak\",\"role\":\"THERAPIST\",\"password\":\"therapist-weak\"}", "password");
        assertInvalid("{\"username\":\"therapist-weak\",\"role\":\"THERAPIST\",\"password\":\"" + "x".repeat(73) + "\"}", "password");
        assertInvalid("{\"username\":\"therapist-weak\",\"role\":\"OPERATOR\",\"password\":\"" + PASSWORD + "\"}", "role");
        assertInvalid("{\"username\":\"therapist-weak\",\"role\":\"therapist\",\"password\":\"" + PASSWORD + "\"}", "role");
        assertInvalid("{\"username\":\"therapist-weak\",\"role\":1,\"password\":\"" + PASSWORD + "\"}", "role");
        assertInvalid("{\"username\":\"therapist-weak\",\"role\":\"THERAPIST\",\"password\":\"" + PASSWORD + "\",\"clinicId\":\"clinic-b\"}",
                "clinicId");

        HttpResponse<String> malformed = post("/api/staff", adminA, "{\"username\":");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("/problems/malformed-json");
        assertThat(post("/api/staff", adminA, "").statusCode()).isEqualTo(400);
        assertThat(post("/api/staff", adminA, "[]").statusCode()).isEqualTo(400);

        HttpResponse<String> weakReset = post("/api/staff/therapist-a/password", adminA, "{\"password\":\"short\"}");
        assertThat(weakReset.statusCode()).isEqualTo(400);
        assertThat(weakReset.body()).contains("\"field\":\"password\"");
        assertThat(post("/api/staff/therapist-a/password", adminA, "{\"pasword\":\"" + PASSWORD + "\"}").body()).contains("\"field\":\"pasword\"");

        HttpResponse<String> wrongMethod = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/staff")).header("Authorization", "Bearer " + adminA)
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        assertThat(accounts.find("therapist-weak")).as("nothing written").isEmpty();
        assertThat(token("therapist-a", DEMO_PASSWORD)).as("the password unchanged").isNotBlank();
    }

    private void assertInvalid(String body, String field) throws Exception {
        HttpResponse<String> refused = post("/api/staff", adminA, body);
        assertThat(refused.statusCode()).as(body).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains("\"type\":\"/problems/invalid-request\"", "\"field\":\"" + field + "\"");
        assertThat(refused.body()).doesNotContain(PASSWORD);
    }

    @Test
    void aTakenUsernameIsA409WhicheverClinicHasIt() throws Exception {
        HttpResponse<String> sameClinic = post("/api/staff", adminA, "{\"username\":\"therapist-a\",\"role\":\"THERAPIST\",\"password\":\"" + PASSWORD + "\"}");
        HttpResponse<String> otherClinic = post("/api/staff", adminA, "{\"username\":\"therapist-b\",\"role\":\"THERAPIST\",\"password\":\"" + PASSWORD + "\"}");

        assertThat(sameClinic.statusCode()).isEqualTo(409);
        assertThat(otherClinic.statusCode()).isEqualTo(409);
        assertThat(otherClinic.body()).contains("/problems/username-taken", "\"field\":\"username\"");
        assertThat(accounts.find("therapist-b").orElseThrow().clinicId()).as("the other clinic's account untouched").hasValue("clinic-b");
        assertThat(get("/api/staff", adminA).body()).as("nor listed here").doesNotContain("therapist-b");
        assertThat(token("therapist-b", DEMO_PASSWORD)).isNotBlank();
    }

    @Test
    void anotherClinicsAccountIsTheUnknownUsernames404() throws Exception {
        for (String action : List.of("disable", "enable", "unlock")) {
            HttpResponse<String> other = post("/api/staff/therapist-b/" + action, adminA, "");
            HttpResponse<String> unknown = post("/api/staff/nobody-at-all/" + action, adminA, "");
            assertThat(other.statusCode()).as(action).isEqualTo(404);
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(other.body().replace("therapist-b", "X")).isEqualTo(unknown.body().replace("nobody-at-all", "X"));
        }
        assertThat(get("/api/staff/therapist-b", adminA).statusCode()).isEqualTo(404);
        assertThat(post("/api/staff/therapist-b/password", adminA, "{\"password\":\"short\"}").statusCode())
                .as("404 before the password is judged").isEqualTo(404);
        assertThat(post("/api/staff/therapist-b/password", adminA, "{\"password\":\"" + PASSWORD + "\"}").statusCode()).isEqualTo(404);
        StaffAccount untouched = accounts.find("therapist-b").orElseThrow();
        assertThat(untouched.isDisabled()).isFalse();
        assertThat(token("therapist-b", DEMO_PASSWORD)).isNotBlank();
    }

    @Test
    void onlyAClinicAdminsTokenGetsIn() throws Exception {
        HttpResponse<String> therapist = get("/api/staff", token("therapist-a", DEMO_PASSWORD));
        assertThat(therapist.statusCode()).isEqualTo(403);
        assertThat(therapist.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(therapist.body()).contains("/problems/forbidden");
        assertThat(post("/api/staff", token("therapist-a", DEMO_PASSWORD),
                "{\"username\":\"by-a-therapist\",\"role\":\"THERAPIST\",\"password\":\"" + PASSWORD + "\"}").statusCode()).isEqualTo(403);
        assertThat(accounts.find("by-a-therapist")).isEmpty();
        assertThat(get("/api/staff", token("operator", DEMO_PASSWORD)).statusCode()).isEqualTo(403);

        HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/staff")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
        assertThat(none.body()).contains("/problems/unauthorized");
        assertThat(get("/api/staff", "not-a-token").statusCode()).isEqualTo(401);
        assertThat(get("/api/staff", idToken("admin-a")).statusCode()).as("an ID token is not for the API").isEqualTo(401);

        // Spring Authorization Server stamps tokens by the system clock; the API checks them by the application's
        CLOCK.set(Instant.now().plus(Duration.ofMinutes(16)));
        assertThat(get("/api/staff", adminA).statusCode()).as("expired by the application's clock").isEqualTo(401);
    }

    @Test
    void aDisabledAccountCannotSignInUntilEnabledAndItsRefreshTokenDies() throws Exception {
        create("therapist-off", "THERAPIST");
        GatewaySignIn gateway = new GatewaySignIn(base(), GATEWAY_SECRET);
        String refresh = (String) gateway.tokens("therapist-off", PASSWORD).get("refresh_token");
        CLOCK.advance(Duration.ofMinutes(1));

        HttpResponse<String> disabled = post("/api/staff/therapist-off/disable", adminA, "");

        assertThat(disabled.statusCode()).isEqualTo(200);
        assertThat(disabled.body()).contains("\"disabled\":true");
        assertThat(catchThrowable(() -> token("therapist-off", PASSWORD))).isInstanceOf(AuthorizationCodeFlow.SignInException.class);
        HttpResponse<String> refused = gateway.refresh(refresh);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("invalid_grant");

        CLOCK.advance(Duration.ofMinutes(1));
        assertThat(post("/api/staff/therapist-off/enable", adminA, "").statusCode()).isEqualTo(200);
        assertThat(token("therapist-off", PASSWORD)).isNotBlank();
        assertThat(gateway.refresh(refresh).statusCode()).as("a sign-in ended by the disable stays ended").isEqualTo(400);

        assertThat(post("/api/staff/admin-a/disable", adminA, "").statusCode()).as("not one's own account").isEqualTo(409);
        assertThat(mongo.getCollection(AccountChanges.COLLECTION).countDocuments(new Document("username", "therapist-off"))).isEqualTo(3);
    }

    @Test
    void aLockedAccountIsUnlockedByItsAdmin() throws Exception {
        create("therapist-locked", "THERAPIST");
        for (int i = 0; i < StaffAccount.MAX_FAILURES; i++) {
            catchThrowable(() -> token("therapist-locked", "a wrong password, long enough"));
        }
        assertThat(get("/api/staff/therapist-locked", adminA).body()).contains("\"locked\":true");
        assertThat(catchThrowable(() -> token("therapist-locked", PASSWORD))).isInstanceOf(AuthorizationCodeFlow.SignInException.class);

        HttpResponse<String> unlocked = post("/api/staff/therapist-locked/unlock", adminA, "");

        assertThat(unlocked.statusCode()).isEqualTo(200);
        assertThat(unlocked.body()).contains("\"locked\":false");
        assertThat(token("therapist-locked", PASSWORD)).isNotBlank();
    }

    @Test
    void aPasswordResetReplacesThePasswordAndEndsEarlierSignIns() throws Exception {
        create("therapist-reset", "THERAPIST");
        GatewaySignIn gateway = new GatewaySignIn(base(), GATEWAY_SECRET);
        String refresh = (String) gateway.tokens("therapist-reset", PASSWORD).get("refresh_token");
        CLOCK.advance(Duration.ofMinutes(1));
        String newPassword = "another long password, reset";

        HttpResponse<String> reset = post("/api/staff/therapist-reset/password", adminA, "{\"password\":\"" + newPassword + "\"}");

        assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
        assertThat(reset.body()).doesNotContain(newPassword);
        assertThat(gateway.refresh(refresh).statusCode()).as("the sign-in before the reset gets no new token").isEqualTo(400);
        CLOCK.advance(Duration.ofSeconds(1));
        assertThat(catchThrowable(() -> token("therapist-reset", PASSWORD))).isInstanceOf(AuthorizationCodeFlow.SignInException.class);
        Map<String, Object> after = gateway.tokens("therapist-reset", newPassword);
        assertThat(gateway.refresh((String) after.get("refresh_token")).statusCode()).isEqualTo(200);
        assertThat(mongo.getCollection(AccountChanges.COLLECTION).find(new Document("username", "therapist-reset"))
                .into(new ArrayList<>())).extracting(change -> change.getString("action")).contains("created", "password-reset");
    }

    @Test
    void theListReadsAsManyDocumentsWhateverOtherClinicsHold() {
        long few = DocumentReads.during(DATABASE, this::listAsAdminA);
        for (int i = 0; i < 300; i++) {
            accounts.create("other-clinic-" + i, "clinic-other", Role.THERAPIST, PASSWORD);
        }
        long many = DocumentReads.during(DATABASE, this::listAsAdminA);

        System.out.printf("Documents examined in %s by a clinic's staff list: %d, with 300 accounts of another clinic added %d%n", DATABASE, few, many);
        assertThat(many).isEqualTo(few);
    }

    private void listAsAdminA() {
        try {
            assertThat(get("/api/staff", adminA).statusCode()).isEqualTo(200);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void create(String username, String role) throws Exception {
        HttpResponse<String> created = post("/api/staff", adminA, "{\"username\":\"" + username + "\",\"role\":\"" + role + "\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    private String token(String username, String password) throws Exception {
        return new AuthorizationCodeFlow(URI.create(base())).accessToken(username, password);
    }

    private String idToken(String username) throws Exception {
        return new AuthorizationCodeFlow(URI.create(base())).tokens(username, DEMO_PASSWORD).get("id_token");
    }

    private NimbusJwtDecoder jwks() {
        return NimbusJwtDecoder.withJwkSetUri(base() + "/oauth2/jwks").build();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String token, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String base() {
        return "http://localhost:" + port;
    }
}
