package dev.knotless.auth.token;

import dev.knotless.auth.AuthProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import java.time.Clock;
import java.util.Set;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.data.mongodb.core.MongoTemplate;

/** The OAuth2 and OpenID Connect endpoints; a browser that is not signed in is sent to the sign-in form. */
@Configuration(proxyBeanMethods = false)
class AuthorizationServerConfig {

    @Bean
    @Order(1)
    SecurityFilterChain authorizationServerSecurity(HttpSecurity http) throws Exception {
        MediaTypeRequestMatcher browsers = new MediaTypeRequestMatcher(MediaType.TEXT_HTML);
        browsers.setIgnoredMediaTypes(Set.of(MediaType.ALL));
        return http
                .oauth2AuthorizationServer(server -> {
                    http.securityMatcher(server.getEndpointsMatcher());
                    server.oidc(Customizer.withDefaults());
                })
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .oauth2ResourceServer(resourceServer -> resourceServer.jwt(Customizer.withDefaults())) // the userinfo endpoint
                .exceptionHandling(exceptions -> exceptions
                        .defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"), browsers))
                .build();
    }

    /**
     * The sign-ins under way and the tokens issued, in the auth-server's database: a restart keeps
     * them. No consent service of our own: neither client asks for consent, so Spring's in-memory
     * one holds nothing.
     */
    @Bean
    OAuth2AuthorizationService authorizationService(MongoTemplate mongo, RegisteredClientRepository clients, Clock clock) {
        MongoAuthorizations authorizations = new MongoAuthorizations(mongo, clients, clock);
        authorizations.createIndexes();
        return authorizations;
    }

    /** The issuer from {@code knotless.auth.issuer}; blank: each request's own base URL (tests on a random port). */
    @Bean
    AuthorizationServerSettings authorizationServerSettings(AuthProperties properties) {
        AuthorizationServerSettings.Builder settings = AuthorizationServerSettings.builder();
        if (properties.issuer() != null && !properties.issuer().isBlank()) {
            settings.issuer(properties.issuer().strip().replaceAll("/+$", ""));
        }
        return settings.build();
    }
}
