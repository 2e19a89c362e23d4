package dev.knotless.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.knotless.platform.MovableTestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/** A token's signature is verified once; its expiry is checked on every use against the Clock. */
class VerifiedTokensTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    private final MovableTestClock clock = new MovableTestClock(NOW);
    private final AtomicInteger verifications = new AtomicInteger();
    private RSAKey key;
    private VerifiedTokens tokens;

    @BeforeEach
    void keys() throws JOSEException {
        key = new RSAKeyGenerator(2048).generate();
        var timestamps = new JwtTimestampValidator(Duration.ZERO);
        timestamps.setClock(clock);
        NimbusJwtDecoder nimbus = NimbusJwtDecoder.withPublicKey(key.toRSAPublicKey()).build();
        nimbus.setJwtValidator(timestamps);
        JwtDecoder counting = token -> {
            verifications.incrementAndGet();
            return nimbus.decode(token);
        };
        tokens = new VerifiedTokens(counting, timestamps, 100, Duration.ofMinutes(5));
    }

    @Test
    void theSignatureIsVerifiedOnceForManyUses() throws Exception {
        String token = sign(NOW.plus(Duration.ofMinutes(15)));

        for (int use = 0; use < 5; use++) {
            assertThat(tokens.decode(token).getSubject()).isEqualTo("therapist-7");
        }

        assertThat(verifications).hasValue(1);
    }

    @Test
    void aKeptTokenIsRefusedOnceItExpires() throws Exception {
        String token = sign(NOW.plus(Duration.ofMinutes(15)));
        tokens.decode(token);

        clock.advance(Duration.ofMinutes(16));

        assertThatThrownBy(() -> tokens.decode(token)).isInstanceOf(JwtValidationException.class).hasMessageContaining("expired");
        // Not kept after the refusal: the next use goes through the full check again.
        assertThatThrownBy(() -> tokens.decode(token)).isInstanceOf(JwtValidationException.class);
        assertThat(verifications).hasValue(2);
    }

    @Test
    void aTokenWithABadSignatureIsNeverKept() throws Exception {
        String token = sign(NOW.plus(Duration.ofMinutes(15)));
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA" + token.substring(token.lastIndexOf('.') + 5);

        assertThatThrownBy(() -> tokens.decode(forged)).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> tokens.decode(forged)).isInstanceOf(BadJwtException.class);

        assertThat(verifications).hasValue(2);
    }

    private String sign(Instant expiresAt) throws JOSEException {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("therapist-7").issueTime(Date.from(NOW)).expirationTime(Date.from(expiresAt)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
