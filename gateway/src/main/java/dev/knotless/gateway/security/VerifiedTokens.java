package dev.knotless.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.stream.Collectors;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Checks an API token's signature once, its claims on every request: the reactive twin of the
 * services' {@code dev.knotless.platform.security.VerifiedTokens} (the gateway does not depend on
 * platform, a servlet module). Parsing and RS256 verification were 13 % of the gateway's CPU (JFR,
 * docs/PERFORMANCE.md); a token string's signature cannot change, so a verified one is kept,
 * bounded in number and time, and its claims (expiry, issuer, audience) are validated again on
 * each use. Refused tokens are never kept.
 */
final class VerifiedTokens implements ReactiveJwtDecoder {

    private final ReactiveJwtDecoder verifier;
    private final OAuth2TokenValidator<Jwt> validator;
    private final Cache<String, Jwt> verified;

    VerifiedTokens(ReactiveJwtDecoder verifier, OAuth2TokenValidator<Jwt> validator, int capacity, Duration keepFor) {
        this.verifier = verifier;
        this.validator = validator;
        this.verified = Caffeine.newBuilder().maximumSize(capacity).expireAfterWrite(keepFor).build();
    }

    @Override
    public Mono<Jwt> decode(String token) {
        Jwt jwt = verified.getIfPresent(token);
        if (jwt == null) {
            return verifier.decode(token).doOnNext(checked -> verified.put(token, checked));
        }
        OAuth2TokenValidatorResult result = validator.validate(jwt);
        if (result.hasErrors()) {
            verified.invalidate(token);
            String description = result.getErrors().stream().map(error -> error.getDescription()).collect(Collectors.joining("; "));
            return Mono.error(new JwtValidationException("An error occurred while attempting to decode the Jwt: " + description, result.getErrors()));
        }
        return Mono.just(jwt);
    }
}
