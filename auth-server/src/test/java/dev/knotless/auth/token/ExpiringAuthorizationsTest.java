package dev.knotless.auth.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

class ExpiringAuthorizationsTest {

    private final MutableClock clock = MutableClock.startingAt("2026-11-19T09:00:00Z");
    private final ExpiringAuthorizations authorizations = new ExpiringAuthorizations(clock);
    private final RegisteredClient client = RegisteredClient.withId("c").clientId("c")
            .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
            .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE).redirectUri("http://127.0.0.1/callback").build();

    @Test
    void anAuthorizationIsForgottenOnceItsLastTokenExpired() {
        OAuth2Authorization accessOnly = authorization("a", Duration.ofMinutes(15), null);
        OAuth2Authorization withRefresh = authorization("b", Duration.ofMinutes(15), Duration.ofHours(8));
        authorizations.save(accessOnly);
        authorizations.save(withRefresh);

        clock.advance(Duration.ofMinutes(16));
        authorizations.save(authorization("c", Duration.ofMinutes(15), null)); // a save sweeps

        assertThat(authorizations.findById("a")).isNull();
        assertThat(authorizations.findByToken("access-a", OAuth2TokenType.ACCESS_TOKEN)).isNull();
        assertThat(authorizations.findById("b")).as("its refresh token is still valid").isNotNull();
        assertThat(authorizations.findByToken("refresh-b", OAuth2TokenType.REFRESH_TOKEN)).isNotNull();
        assertThat(authorizations.size()).isEqualTo(2);

        clock.advance(Duration.ofHours(8));
        authorizations.save(authorization("d", Duration.ofMinutes(15), null));
        assertThat(authorizations.findById("b")).isNull();
        assertThat(authorizations.findById("c")).isNull();
        assertThat(authorizations.size()).isEqualTo(1);
    }

    @Test
    void nothingIsSweptBeforeItExpires() {
        authorizations.save(authorization("a", Duration.ofMinutes(15), null));
        clock.advance(Duration.ofMinutes(14));
        authorizations.save(authorization("b", Duration.ofMinutes(15), null));
        assertThat(authorizations.findById("a")).isNotNull();
    }

    private OAuth2Authorization authorization(String id, Duration access, Duration refresh) {
        Instant now = clock.instant();
        OAuth2Authorization.Builder builder = OAuth2Authorization.withRegisteredClient(client).id(id).principalName("therapist-x")
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .accessToken(new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "access-" + id, now, now.plus(access), Set.of("openid")));
        if (refresh != null) {
            builder.refreshToken(new OAuth2RefreshToken("refresh-" + id, now, now.plus(refresh)));
        }
        return builder.build();
    }
}
