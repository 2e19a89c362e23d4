package dev.knotless.auth.client;

import dev.knotless.auth.AuthProperties;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * The two clients of the token contract, in memory from configuration: they change with a
 * release, not at run time.
 */
@Configuration(proxyBeanMethods = false)
class ClientsConfig {

    static final String GATEWAY = "knotless-gateway";
    static final String CLI = "knotless-cli";

    private static final Logger log = LoggerFactory.getLogger(ClientsConfig.class);

    @Bean
    RegisteredClientRepository registeredClientRepository(AuthProperties properties, PasswordEncoder passwordEncoder) {
        List<RegisteredClient> clients = new ArrayList<>();
        AuthProperties.Gateway gateway = properties.clients().gateway();
        if (gateway.enabled()) {
            clients.add(RegisteredClient.withId(GATEWAY)
                    .clientId(GATEWAY)
                    .clientName("Knotless gateway")
                    .clientSecret(passwordEncoder.encode(gateway.secret())) // kept hashed, like a password
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                    .redirectUris(uris -> uris.addAll(gateway.redirectUris()))
                    .postLogoutRedirectUris(uris -> uris.addAll(gateway.postLogoutRedirectUris()))
                    .scope(OidcScopes.OPENID)
                    .scope(OidcScopes.PROFILE)
                    // PKCE is checked when the gateway sends it; required only of the public client, which has no secret
                    .clientSettings(ClientSettings.builder().requireAuthorizationConsent(false).requireProofKey(false).build())
                    .tokenSettings(TokenSettings.builder()
                            .accessTokenTimeToLive(properties.accessTokenTtl())
                            .refreshTokenTimeToLive(gateway.refreshTokenTtl())
                            .reuseRefreshTokens(false)
                            .build())
                    .build());
        } else {
            log.warn("No secret for the {} client (KNOTLESS_GATEWAY_CLIENT_SECRET): browsers cannot sign in through the gateway", GATEWAY);
        }
        clients.add(RegisteredClient.withId(CLI)
                .clientId(CLI)
                .clientName("Knotless command line")
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri(properties.clients().cli().redirectUri())
                .scope(OidcScopes.OPENID)
                .clientSettings(ClientSettings.builder().requireAuthorizationConsent(false).requireProofKey(true).build())
                .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(properties.accessTokenTtl()).build())
                .build());
        return new InMemoryRegisteredClientRepository(clients);
    }

}
