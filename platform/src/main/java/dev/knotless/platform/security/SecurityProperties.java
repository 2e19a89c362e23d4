package dev.knotless.platform.security;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code knotless.security.*}: how a service checks access tokens.
 *
 * @param issuer         the auth-server's base URL; a token's {@code iss} must be exactly this
 * @param jwkSetUri      where the signing keys are published; default {@code <issuer>/oauth2/jwks}
 * @param audience       what a token's {@code aud} must contain
 * @param anonymousPaths Ant patterns served without a token (the survey endpoints of outcomes-service)
 * @param clockSkew      tolerance on {@code exp} and {@code nbf} for clocks that drift apart
 * @param verifiedTokens how many distinct tokens are kept once their signature is verified (their
 *                       claims are checked on every request all the same)
 */
@ConfigurationProperties("knotless.security")
public record SecurityProperties(
        String issuer,
        String jwkSetUri,
        @DefaultValue(TokenClaims.AUDIENCE) String audience,
        @DefaultValue List<String> anonymousPaths,
        @DefaultValue("30s") Duration clockSkew,
        @DefaultValue("10000") int verifiedTokens) {

    public SecurityProperties {
        anonymousPaths = anonymousPaths == null ? List.of() : List.copyOf(anonymousPaths);
    }

    String effectiveJwkSetUri() {
        if (jwkSetUri != null && !jwkSetUri.isBlank()) {
            return jwkSetUri;
        }
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalStateException("knotless.security.issuer (the auth-server's URL) is required: a service does not run without checking tokens");
        }
        return issuer.replaceAll("/+$", "") + "/oauth2/jwks";
    }
}
