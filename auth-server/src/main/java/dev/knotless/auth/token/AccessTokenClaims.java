package dev.knotless.auth.token;

import dev.knotless.auth.account.StaffAccount;
import dev.knotless.auth.account.StaffAccounts;
import java.time.Instant;
import java.util.List;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.stereotype.Component;

/**
 * The token contract (docs/architecture.md): an access token names the API as its audience and
 * carries the account's {@code role} and {@code clinic_id} (none for an operator); the ID token
 * carries the same two for the gateway's pages. Read from the account at each issue (one lookup by
 * username), so a refreshed token reflects a changed role, and none is issued for a disabled account
 * or for a sign-in older than the account's last password reset or disable.
 */
@Component
class AccessTokenClaims implements OAuth2TokenCustomizer<JwtEncodingContext> {

    static final String AUDIENCE = "knotless-api";
    static final String CLINIC_ID = "clinic_id";
    static final String ROLE = "role";

    private final StaffAccounts accounts;

    AccessTokenClaims(StaffAccounts accounts) {
        this.accounts = accounts;
    }

    /** When the password was checked: the password factor's time, which the sign-in records (kept with the authorization). */
    static Instant signedInAt(Authentication principal) {
        return principal.getAuthorities().stream()
                .filter(FactorGrantedAuthority.class::isInstance)
                .map(authority -> ((FactorGrantedAuthority) authority).getIssuedAt())
                .filter(java.util.Objects::nonNull)
                .max(Instant::compareTo)
                .orElse(null);
    }

    @Override
    public void customize(JwtEncodingContext context) {
        boolean accessToken = OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType());
        boolean idToken = OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue());
        if (!accessToken && !idToken) {
            return;
        }
        StaffAccount account = accounts.find(context.getPrincipal().getName())
                .orElseThrow(() -> new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_GRANT)); // deleted since sign-in
        if (account.isDisabled() || account.signedInBefore(signedInAt(context.getPrincipal()))) {
            // disabled, or its password reset, since this sign-in: no new token (a refresh is an invalid_grant)
            throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_GRANT);
        }
        context.getClaims().claims(claims -> {
            claims.put(ROLE, account.role().name());
            account.clinicId().ifPresentOrElse(clinic -> claims.put(CLINIC_ID, clinic), () -> claims.remove(CLINIC_ID));
        });
        if (accessToken) {
            context.getClaims().audience(List.of(AUDIENCE));
        }
    }
}
