package dev.knotless.platform.security;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * A token is only accepted with what the services act on: an expiry, a subject, a known role, and a
 * clinic for everybody but operators. A token missing one is invalid (401), not a 500 later on.
 */
final class StaffClaimsValidator implements OAuth2TokenValidator<Jwt> {

    /** As clinic ids are written elsewhere (RegisterPatientRequest.CLINIC_ID). */
    static final Pattern CLINIC_ID = Pattern.compile("^[a-z0-9][a-z0-9-]{1,62}$");

    @Override
    public OAuth2TokenValidatorResult validate(Jwt jwt) {
        List<OAuth2Error> errors = new ArrayList<>();
        if (jwt.getExpiresAt() == null) {
            errors.add(invalid("The token has no expiry"));
        }
        if (jwt.getSubject() == null || jwt.getSubject().isBlank()) {
            errors.add(invalid("The token has no subject"));
        }
        Role role = roleOf(jwt);
        if (role == null) {
            errors.add(invalid("The token's role is missing or unknown"));
        } else if (role != Role.OPERATOR && !validClinic(jwt.getClaims().get(TokenClaims.CLINIC_ID))) {
            errors.add(invalid("The token has no valid clinic"));
        }
        return errors.isEmpty() ? OAuth2TokenValidatorResult.success() : OAuth2TokenValidatorResult.failure(errors);
    }

    static Role roleOf(Jwt jwt) {
        if (!(jwt.getClaims().get(TokenClaims.ROLE) instanceof String name)) {
            return null;
        }
        for (Role role : Role.values()) {
            if (role.name().equals(name)) {
                return role;
            }
        }
        return null;
    }

    private static boolean validClinic(Object clinic) {
        return clinic instanceof String id && CLINIC_ID.matcher(id).matches();
    }

    private static OAuth2Error invalid(String description) {
        return new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, description, null);
    }
}
