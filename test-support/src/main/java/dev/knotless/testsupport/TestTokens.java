package dev.knotless.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.knotless.platform.security.Role;
import dev.knotless.platform.security.StaffAuthentication;
import dev.knotless.platform.security.StaffMember;
import dev.knotless.platform.security.TokenClaims;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Access tokens for tests, as the auth-server issues them (the token contract of issue 11): RS256
 * JWTs with {@code sub}, {@code aud: knotless-api}, {@code clinic_id}, {@code role}, {@code iss},
 * {@code exp}, {@code iat}, {@code jti}, {@code scope}, 15 minutes from the clock given. The issuer is
 * a tiny HTTP server in this JVM that publishes the test key at {@code /oauth2/jwks}, so a service
 * checks the tokens exactly as in production. Also the six tokens a service must refuse with 401.
 *
 * <pre>{@code
 * @DynamicPropertySource static void props(DynamicPropertyRegistry r) { TestTokens.register(r); }
 * var tokens = new TestTokens(clock);
 * http.get().uri("/api/patients/{id}", id).header("Authorization", TestTokens.bearer(tokens.therapist("clinic-a")))
 * }</pre>
 */
public final class TestTokens {

    public static final String KEY_ID = "knotless-test-key";
    public static final Duration LIFETIME = Duration.ofMinutes(15);

    private static final RSAKey KEY = generate(KEY_ID);
    /** Same key id, another key: a token signed with it has a bad signature. */
    private static final RSAKey IMPOSTOR = generate(KEY_ID);
    /** A key id the issuer never published. */
    private static final RSAKey UNKNOWN = generate("knotless-unknown-key");
    private static HttpServer server;

    private final Clock clock;

    public TestTokens(Clock clock) {
        this.clock = clock;
    }

    /** The test issuer's URL (starting it once per JVM): {@code http://127.0.0.1:<port>}. */
    public static synchronized String issuer() {
        if (server == null) {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            byte[] jwks = new JWKSet(KEY.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            server.createContext("/oauth2/jwks", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, jwks.length);
                exchange.getResponseBody().write(jwks);
                exchange.close();
            });
            server.setExecutor(null);
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0), "test-issuer-stop"));
        }
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** For {@code @DynamicPropertySource}: the service trusts the test issuer (its JWKS at the standard path). */
    public static void register(DynamicPropertyRegistry registry) {
        registry.add("knotless.security.issuer", TestTokens::issuer);
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }

    /** {@code therapist-a} for {@code clinic-a}, as the demo accounts are named. */
    public static String therapistOf(String clinicId) {
        return clinicId.replaceFirst("^clinic-", "therapist-");
    }

    public String therapist(String clinicId) {
        return token(therapistOf(clinicId), Role.THERAPIST, clinicId);
    }

    public String clinicAdmin(String clinicId) {
        return token(clinicId.replaceFirst("^clinic-", "admin-"), Role.CLINIC_ADMIN, clinicId);
    }

    public String operator() {
        return token("operator", Role.OPERATOR, null);
    }

    public String token(String subject, Role role, String clinicId) {
        return sign(claims(subject, role, clinicId).build(), KEY);
    }

    /** The claims of a valid token, to change one of them. */
    public JWTClaimsSet.Builder claims(String subject, Role role, String clinicId) {
        Instant now = clock.instant();
        var claims = new JWTClaimsSet.Builder()
                .issuer(issuer())
                .subject(subject)
                .audience(List.of(TokenClaims.AUDIENCE))
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)))
                .jwtID(UUID.randomUUID().toString())
                .claim(TokenClaims.ROLE, role.name())
                .claim("scope", "openid");
        if (clinicId != null) {
            claims.claim(TokenClaims.CLINIC_ID, clinicId);
        }
        return claims;
    }

    public String signed(JWTClaimsSet claims) {
        return sign(claims, KEY);
    }

    // --- the tokens a service must refuse with 401 ----------------------------------------------

    public String expired(String clinicId) {
        Instant issued = clock.instant().minus(Duration.ofHours(1));
        return sign(claims(therapistOf(clinicId), Role.THERAPIST, clinicId).issueTime(Date.from(issued))
                .notBeforeTime(Date.from(issued)).expirationTime(Date.from(issued.plus(LIFETIME))).build(), KEY);
    }

    public String wrongIssuer(String clinicId) {
        return sign(claims(therapistOf(clinicId), Role.THERAPIST, clinicId).issuer("http://auth.elsewhere.example").build(), KEY);
    }

    public String wrongAudience(String clinicId) {
        return sign(claims(therapistOf(clinicId), Role.THERAPIST, clinicId).audience("another-api").build(), KEY);
    }

    public String badSignature(String clinicId) {
        return sign(claims(therapistOf(clinicId), Role.THERAPIST, clinicId).build(), IMPOSTOR);
    }

    /** {@code alg: none}: the claims of a valid token without a signature. */
    public String unsigned(String clinicId) {
        return new PlainJWT(claims(therapistOf(clinicId), Role.THERAPIST, clinicId).build()).serialize();
    }

    public String unknownKey(String clinicId) {
        return sign(claims(therapistOf(clinicId), Role.THERAPIST, clinicId).build(), UNKNOWN);
    }

    // --- web slices ---------------------------------------------------------------------------

    /** An authentication as the resource server makes it, for MockMvc's {@code authentication(...)}. */
    public static StaffAuthentication authenticationOf(StaffMember staff) {
        var jwt = Jwt.withTokenValue("slice-test-token")
                .header("alg", "RS256")
                .subject(staff.subject())
                .claim(TokenClaims.ROLE, staff.role().name())
                .claim(TokenClaims.CLINIC_ID, staff.clinicId() == null ? "" : staff.clinicId())
                .build();
        return new StaffAuthentication(jwt, staff);
    }

    private static String sign(JWTClaimsSet claims, RSAKey key) {
        try {
            var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey generate(String keyId) {
        try {
            return new RSAKeyGenerator(2048).keyID(keyId).keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
