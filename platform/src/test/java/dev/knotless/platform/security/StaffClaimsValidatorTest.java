package dev.knotless.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;

/** What a token must carry beyond a valid signature before a service acts on it. */
class StaffClaimsValidatorTest {

    private final StaffClaimsValidator validator = new StaffClaimsValidator();

    @Test
    void aTherapistsTokenBecomesAStaffMemberOfTheirClinic() {
        Jwt jwt = token(claims -> { });
        assertThat(validator.validate(jwt).hasErrors()).isFalse();
        StaffAuthentication authentication = KnotlessSecurityAutoConfiguration.authenticate(jwt);
        assertThat(authentication.getPrincipal()).isEqualTo(new StaffMember("therapist-a", Role.THERAPIST, "clinic-a"));
        assertThat(authentication.getAuthorities()).extracting(Object::toString).containsExactly("ROLE_THERAPIST");
        assertThat(authentication.getName()).isEqualTo("therapist-a");
    }

    @Test
    void anOperatorHasNoClinicAndSeesNone() {
        Jwt jwt = token(claims -> claims.claim(TokenClaims.ROLE, "OPERATOR").claims(c -> c.remove(TokenClaims.CLINIC_ID)));
        assertThat(validator.validate(jwt).hasErrors()).isFalse();
        StaffMember operator = KnotlessSecurityAutoConfiguration.authenticate(jwt).staff();
        assertThat(operator.clinicId()).isNull();
        assertThat(operator.sees(null)).isFalse();
        assertThat(operator.sees("clinic-a")).isFalse();
    }

    @Test
    void aStaffMemberSeesOnlyTheirOwnClinic() {
        var therapist = new StaffMember("therapist-a", Role.THERAPIST, "clinic-a");
        assertThat(therapist.sees("clinic-a")).isTrue();
        assertThat(therapist.sees("clinic-b")).isFalse();
        assertThat(therapist.sees(null)).isFalse();
        assertThatThrownBy(() -> new StaffMember("therapist-a", Role.THERAPIST, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void tokensMissingWhatTheServicesActOnAreInvalid() {
        assertInvalid(claims -> claims.claims(c -> c.remove(TokenClaims.ROLE)));
        assertInvalid(claims -> claims.claim(TokenClaims.ROLE, "ADMIN"));
        assertInvalid(claims -> claims.claim(TokenClaims.ROLE, 1));
        assertInvalid(claims -> claims.claims(c -> c.remove(TokenClaims.CLINIC_ID)));
        assertInvalid(claims -> claims.claim(TokenClaims.CLINIC_ID, "Clinic A"));
        assertInvalid(claims -> claims.claims(c -> c.remove("sub")));
        assertInvalid(claims -> claims.subject(" "));
        assertInvalid(claims -> claims.claims(c -> c.remove("exp")));
    }

    private void assertInvalid(Consumer<Jwt.Builder> change) {
        var result = validator.validate(token(change));
        assertThat(result.hasErrors()).isTrue();
        assertThat(result.getErrors()).allSatisfy(error -> assertThat(error.getErrorCode()).isEqualTo("invalid_token"));
    }

    private static Jwt token(Consumer<Jwt.Builder> change) {
        var builder = Jwt.withTokenValue("t").header("alg", "RS256")
                .subject("therapist-a")
                .claim(TokenClaims.ROLE, "THERAPIST")
                .claim(TokenClaims.CLINIC_ID, "clinic-a")
                .issuedAt(Instant.parse("2026-11-20T15:00:00Z"))
                .expiresAt(Instant.parse("2026-11-20T15:15:00Z"));
        change.accept(builder);
        return builder.build();
    }
}
