package dev.knotless.platform.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.stream.Collectors;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/**
 * Checks a token's signature once, its claims on every request. A client sends the same access
 * token for its 15 minutes, and parsing it and verifying its RS256 signature was a tenth of a
 * service's CPU per request (JFR, docs/PERFORMANCE.md). The signature of a given token string
 * cannot change, so once verified it is kept, bounded in number and time; the claims (expiry
 * against the service's Clock, issuer, audience, staff claims) are validated again on each use,
 * so an expired token is refused exactly as before. Refused tokens are never kept.
 */
final class VerifiedTokens implements JwtDecoder {

    private final JwtDecoder verifier;
    private final OAuth2TokenValidator<Jwt> validator;
    private final Cache<String, Jwt> verified;

    /**
     * @param verifier  parses, verifies the signature and validates with {@code validator}
     * @param validator the claims' checks, run again on every use of a kept token
     * @param capacity  how many distinct tokens are kept (least recently used go first)
     * @param keepFor   how long a verified token is kept after its first use
     */
    VerifiedTokens(JwtDecoder verifier, OAuth2TokenValidator<Jwt> validator, int capacity, Duration keepFor) {
        this.verifier = verifier;
        this.validator = validator;
        this.verified = Caffeine.newBuilder().maximumSize(capacity).expireAfterWrite(keepFor).build();
    }

    @Override
    public Jwt decode(String token) {
        Jwt jwt = verified.getIfPresent(token);
        if (jwt == null) {
            jwt = verifier.decode(token); // throws for a bad signature or bad claims: nothing kept
            verified.put(token, jwt);
            return jwt;
        }
        OAuth2TokenValidatorResult result = validator.validate(jwt);
        if (result.hasErrors()) {
            verified.invalidate(token);
            String description = result.getErrors().stream().map(error -> error.getDescription()).collect(Collectors.joining("; "));
            throw new JwtValidationException("An error occurred while attempting to decode the Jwt: " + description, result.getErrors());
        }
        return jwt;
    }
}
