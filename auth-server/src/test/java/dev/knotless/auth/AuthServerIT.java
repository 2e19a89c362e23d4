package dev.knotless.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.auth.account.Role;
import dev.knotless.auth.account.StaffAccount;
import dev.knotless.auth.account.StaffAccounts;
import dev.knotless.launcher.AuthorizationCodeFlow;
import dev.knotless.launcher.AuthorizationCodeFlow.SignInException;
import dev.knotless.launcher.TokenCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
import java.util.UUID;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.DefaultApplicationArguments;
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
 * The auth-server on a random port against the embedded store, signed in to as a browser would
 * ({@link AuthorizationCodeFlow}, the client of {@code ./knotless token}: redirects followed, the
 * sign-in form filled in with its CSRF field, the code exchanged with the PKCE verifier), tokens
 * checked against the published JWKS.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "knotless.auth.demo-accounts.enabled=true",
        "knotless.auth.demo-accounts.password=" + AuthServerIT.DEMO_PASSWORD,
        "knotless.auth.clients.gateway.secret=" + AuthServerIT.GATEWAY_SECRET,
        "knotless.auth.sign-in-rate-limit.requests=1000"}) // many sign-ins from one address here; the limit: SignInRateLimitIT
class AuthServerIT {

    static final String DEMO_PASSWORD = "demo-password-for-tests";
    static final String DATABASE = "knotless-auth";
    static final String GATEWAY_SECRET = "test-gateway-secret";
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

    @Autowired
    OAuth2AuthorizationService authorizations;

    @Autowired
    List<ApplicationRunner> runners;

    private final HttpClient http = HttpClient.newHttpClient();

    private String base() {
        return "http://localhost:" + port;
    }

    private AuthorizationCodeFlow browser() {
        return new AuthorizationCodeFlow(URI.create(base()));
    }

    private NimbusJwtDecoder jwks() {
        return NimbusJwtDecoder.withJwkSetUri(base() + "/oauth2/jwks").build();
    }

    @BeforeEach
    void backToNow() {
        CLOCK.set(Instant.parse("2026-11-19T09:00:00Z"));
    }

    @Test
    void aTherapistSignsInThroughTheFormAndGetsAnAccessTokenForTheApi() throws Exception {
        Map<String, String> tokens = browser().tokens("therapist-a", DEMO_PASSWORD);

        Jwt token = jwks().decode(tokens.get("access_token"));
        assertThat(token.getSubject()).isEqualTo("therapist-a");
        assertThat(token.getAudience()).containsExactly("knotless-api");
        assertThat(token.getClaimAsString("clinic_id")).isEqualTo("clinic-a");
        assertThat(token.getClaimAsString("role")).isEqualTo("THERAPIST");
        assertThat(token.getIssuer().toString()).isEqualTo(base());
        assertThat(token.getId()).isNotBlank();
        assertThat(token.getClaimAsStringList("scope")).contains("openid");
        assertThat(Duration.between(token.getIssuedAt(), token.getExpiresAt())).isEqualTo(Duration.ofMinutes(15));
        assertThat(token.getHeaders()).containsEntry("alg", "RS256").containsKey("kid");
        assertThat(tokens.get("token_type")).isEqualTo("Bearer");

        Jwt idToken = jwks().decode(tokens.get("id_token"));
        assertThat(idToken.getAudience()).as("the ID token is for the client").containsExactly("knotless-cli");
        assertThat(idToken.getClaimAsString("role")).isEqualTo("THERAPIST");
    }

    @Test
    void everyDemoAccountHasItsClinicAndRoleAndTheOperatorNoClinic() throws Exception {
        assertThat(claims("admin-a")).containsEntry("clinic_id", "clinic-a").containsEntry("role", "CLINIC_ADMIN");
        assertThat(claims("therapist-b")).containsEntry("clinic_id", "clinic-b").containsEntry("role", "THERAPIST");
        assertThat(claims("operator")).doesNotContainKey("clinic_id").containsEntry("role", "OPERATOR");
    }

    private Map<String, Object> claims(String username) throws Exception {
        return jwks().decode(browser().accessToken(username, DEMO_PASSWORD)).getClaims();
    }

    @Test
    void aWrongPasswordGetsNoTokenAndThePageSaysNothingAboutTheAccount() throws Exception {
        accounts.create("therapist-wrong", "clinic-a", Role.THERAPIST, "right-password");

        SignInException wrongPassword = signInFails("therapist-wrong", "wrong-password");
        SignInException unknownAccount = signInFails("nobody-" + System.nanoTime(), "wrong-password");
        for (int i = 0; i < 4; i++) {
            signInFails("therapist-wrong", "wrong-password");
        }
        SignInException lockedAccount = signInFails("therapist-wrong", "right-password");

        assertThat(wrongPassword.page()).contains("Sign-in failed. Check your username and password.");
        assertThat(withoutCsrf(unknownAccount.page())).as("an unknown account looks like a wrong password")
                .isEqualTo(withoutCsrf(wrongPassword.page()));
        assertThat(withoutCsrf(lockedAccount.page())).as("a locked account looks like a wrong password")
                .isEqualTo(withoutCsrf(wrongPassword.page()));
        assertThat(wrongPassword.page()).doesNotContainIgnoringCase("lock ").doesNotContainIgnoringCase("exist")
                .doesNotContainIgnoringCase("unknown");
    }

    @Test
    void fiveFailuresInARowLockTheAccountForFifteenMinutes() throws Exception {
        accounts.create("therapist-locked", "clinic-a", Role.THERAPIST, "right-password");
        for (int i = 1; i <= 4; i++) {
            signInFails("therapist-locked", "wrong-password");
            assertThat(accounts.find("therapist-locked").orElseThrow().failedSignIns()).as("each failure counts once").isEqualTo(i);
        }
        assertThat(browser().accessToken("therapist-locked", "right-password")).as("four failures do not lock").isNotBlank();
        assertThat(accounts.find("therapist-locked").orElseThrow().failedSignIns()).as("a success resets the count").isZero();

        for (int i = 0; i < 5; i++) {
            signInFails("therapist-locked", "wrong-password");
        }
        signInFails("therapist-locked", "right-password");
        CLOCK.advance(Duration.ofMinutes(14));
        signInFails("therapist-locked", "right-password");

        CLOCK.advance(Duration.ofMinutes(1));
        assertThat(jwks().decode(browser().accessToken("therapist-locked", "right-password")).getSubject()).isEqualTo("therapist-locked");
    }

    @Test
    void demoAccountsAreCreatedOnceAndAChangedPasswordStaysChanged() throws Exception {
        StaffAccount admin = accounts.find("admin-a").orElseThrow();
        admin.changePasswordHash("{noop}changed-by-the-admin");
        mongo.save(admin);
        List<Document> before = mongo.getCollection("staff_accounts").find().into(new ArrayList<>());

        for (ApplicationRunner runner : runners) {
            runner.run(new DefaultApplicationArguments()); // as on a restart
        }

        assertThat(mongo.getCollection("staff_accounts").find().into(new ArrayList<>())).isEqualTo(before);
        assertThat(browser().accessToken("admin-a", "changed-by-the-admin")).isNotBlank();
    }

    @Test
    void jwksPublishesTheSigningKeyAndNoPrivatePart() throws Exception {
        HttpResponse<String> jwks = http.send(HttpRequest.newBuilder(URI.create(base() + "/oauth2/jwks")).build(),
                HttpResponse.BodyHandlers.ofString());
        String token = browser().accessToken("therapist-b", DEMO_PASSWORD);

        assertThat(jwks.statusCode()).isEqualTo(200);
        String kid = jwks().decode(token).getHeaders().get("kid").toString();
        assertThat(jwks.body()).contains("\"kid\":\"" + kid + "\"", "\"kty\":\"RSA\"").doesNotContain("\"d\":", "\"p\":", "\"q\":");
    }

    @Test
    void theOpenIdConfigurationNamesTheEndpoints() throws Exception {
        HttpResponse<String> discovery = http.send(HttpRequest.newBuilder(URI.create(base() + "/.well-known/openid-configuration")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(discovery.statusCode()).isEqualTo(200);
        assertThat(discovery.body()).contains("\"issuer\":\"" + base() + "\"", "/oauth2/jwks", "/oauth2/authorize", "/oauth2/token", "S256");
    }

    @Test
    void signingInReadsAsManyDocumentsWithHundredsOfAccountsAsWithAFew() throws Exception {
        long few = DocumentReads.during(DATABASE, this::signInAsTherapistB);
        List<Document> more = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            more.add(new Document("_id", "seeded-" + i + "-" + System.nanoTime()).append("clinicId", "clinic-seed")
                    .append("role", "THERAPIST").append("passwordHash", "{noop}x").append("failedSignIns", 0).append("version", 0L));
        }
        mongo.getCollection("staff_accounts").insertMany(more);
        long many = DocumentReads.during(DATABASE, this::signInAsTherapistB);

        System.out.printf("Documents examined in %s by one sign-in and token: %d with a few accounts, %d with 500 more%n", DATABASE, few, many);
        assertThat(many).isEqualTo(few);
        // the account at sign-in and at each token's issue, the authorization saved, found by its code and saved again, all by key
        assertThat(few).isBetween(1L, 12L);
    }

    @Test
    void refreshingReadsAsManyDocumentsWithHundredsOfAuthorizationsAsWithAFew() throws Exception {
        GatewaySignIn gateway = new GatewaySignIn(base(), GATEWAY_SECRET);
        Map<String, Object> tokens = gateway.tokens("therapist-a", DEMO_PASSWORD);
        String[] refreshToken = {(String) tokens.get("refresh_token")};
        Runnable refresh = () -> {
            try {
                HttpResponse<String> refreshed = gateway.refresh(refreshToken[0]);
                assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
                refreshToken[0] = (String) GatewaySignIn.json(refreshed).get("refresh_token");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        refresh.run(); // warm: the first refresh is measured like every later one
        long few = DocumentReads.during(DATABASE, refresh);
        long stored = mongo.getCollection("oauth2_authorizations").countDocuments();
        OAuth2Authorization template = authorizations.findByToken(refreshToken[0], OAuth2TokenType.REFRESH_TOKEN);
        for (int i = 0; i < 500; i++) {
            authorizations.save(seeded(template, i));
        }
        long many = DocumentReads.during(DATABASE, refresh);

        System.out.printf("Documents examined in %s by one refresh: %d with %d authorizations stored, %d with 500 more%n", DATABASE, few,
                stored, many);
        Document signedIn = mongo.getCollection("oauth2_authorizations").find(new Document("principalName", "therapist-a")).first();
        System.out.printf("One sign-in's authorization document: %d characters of JSON%n", signedIn.toJson().length());
        assertThat(many).isEqualTo(few);
        assertThat(few).isBetween(1L, 12L);
    }

    /** Another sign-in's authorization: the template's client, principal and attributes with tokens of its own. */
    private static OAuth2Authorization seeded(OAuth2Authorization template, int i) {
        Instant now = Instant.now();
        String suffix = i + "-" + UUID.randomUUID();
        OidcIdToken idToken = template.getToken(OidcIdToken.class).getToken();
        return OAuth2Authorization.from(template).id(UUID.randomUUID().toString())
                .token(new OAuth2AuthorizationCode("seeded-code-" + suffix, now, now.plus(Duration.ofMinutes(5))))
                .accessToken(new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "seeded-access-" + suffix, now,
                        now.plus(Duration.ofMinutes(15)), template.getAccessToken().getToken().getScopes()))
                .refreshToken(new OAuth2RefreshToken("seeded-refresh-" + suffix, now, now.plus(Duration.ofHours(8))))
                .token(new OidcIdToken("seeded-id-" + suffix, now, now.plus(Duration.ofMinutes(30)), idToken.getClaims()),
                        metadata -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, idToken.getClaims()))
                .build();
    }

    private void signInAsTherapistB() {
        try {
            browser().accessToken("therapist-b", DEMO_PASSWORD);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theCliClientMustUsePkce() throws Exception {
        HttpClient noRedirects = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> withoutChallenge = noRedirects.send(HttpRequest.newBuilder(URI.create(base()
                        + "/oauth2/authorize?response_type=code&client_id=knotless-cli&redirect_uri=http://127.0.0.1/callback&scope=openid"))
                .header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(withoutChallenge.statusCode()).isEqualTo(302);
        assertThat(withoutChallenge.headers().firstValue("Location").orElseThrow())
                .startsWith("http://127.0.0.1/callback?error=invalid_request");
    }

    @Test
    void knotlessTokenPrintsOnlyTheAccessToken() throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();

        int exit = TokenCommand.run(List.of("token", "therapist-a", "--issuer", base()), Map.of("KNOTLESS_DEMO_PASSWORD", DEMO_PASSWORD),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\R");
        Jwt token = jwks().decode(printed.strip());
        assertThat(token.getSubject()).isEqualTo("therapist-a");
        assertThat(token.getAudience()).containsExactly("knotless-api");
    }

    @Test
    void knotlessTokenWithAWrongPasswordPrintsNothingAndExitsWith2() {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();

        int exit = TokenCommand.run(List.of("token", "therapist-b", "--password", "not-the-password"),
                Map.of("KNOTLESS_ISSUER", base(), "KNOTLESS_DEMO_PASSWORD", DEMO_PASSWORD),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exit).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Sign-in failed for therapist-b");
    }

    private SignInException signInFails(String username, String password) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> browser().accessToken(username, password));
        assertThat(thrown).as("no token for " + username).isInstanceOf(SignInException.class);
        return (SignInException) thrown;
    }

    private static String withoutCsrf(String page) {
        return page.replaceAll("value=\"[^\"]*\"", "value=\"\"");
    }
}
