package dev.knotless.auth.staff;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.knotless.auth.AuthProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.SecurityFilterChain;

/**
 * {@code /api/**} on the auth-server: a resource server for its own access tokens (verified with its
 * own keys, audience {@code knotless-api}, expiry by the application's clock, the issuer when
 * configured), stateless, no session and so no CSRF token. Only {@code ROLE_CLINIC_ADMIN} reaches it:
 * a therapist or an operator is a 403, no or a bad token a 401, both as problem details.
 */
@Configuration(proxyBeanMethods = false)
class StaffApiSecurityConfig {

    static final String AUDIENCE = "knotless-api";

    @Bean
    @Order(0)
    SecurityFilterChain staffApiSecurity(HttpSecurity http, JWKSource<SecurityContext> keys, AuthProperties properties, Clock clock)
            throws Exception {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(keys).build();
        JwtTimestampValidator expiry = new JwtTimestampValidator(); // Spring's 60 s of skew: a token's times are whole seconds
        expiry.setClock(clock);
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>(List.of(expiry,
                new JwtClaimValidator<List<String>>("aud", audience -> audience != null && audience.contains(AUDIENCE)),
                new JwtClaimValidator<String>("sub", subject -> subject != null && !subject.isBlank())));
        if (properties.issuer() != null && !properties.issuer().isBlank()) {
            validators.add(new JwtIssuerValidator(properties.issuer().strip().replaceAll("/+$", "")));
        }
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));

        JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
        roles.setAuthoritiesClaimName("role");
        roles.setAuthorityPrefix("ROLE_");
        JwtAuthenticationConverter authentication = new JwtAuthenticationConverter();
        authentication.setJwtGrantedAuthoritiesConverter(roles);

        BearerTokenAuthenticationEntryPoint unauthenticated = new BearerTokenAuthenticationEntryPoint();
        BearerTokenAccessDeniedHandler denied = new BearerTokenAccessDeniedHandler();
        return http
                .securityMatcher("/api/**")
                .authorizeHttpRequests(requests -> requests.anyRequest().hasRole("CLINIC_ADMIN"))
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .jwt(jwt -> jwt.decoder(decoder).jwtAuthenticationConverter(authentication))
                        .authenticationEntryPoint((request, response, e) -> {
                            unauthenticated.commence(request, response, e);
                            problem(request, response, "unauthorized", "Unauthorized", "A valid bearer token of a clinic admin is required");
                        })
                        .accessDeniedHandler((request, response, e) -> {
                            denied.handle(request, response, e);
                            problem(request, response, "forbidden", "Forbidden", "Only a clinic admin manages staff accounts");
                        }))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable()) // bearer tokens only, no cookie
                .requestCache(cache -> cache.disable())
                .build();
    }

    private static void problem(HttpServletRequest request, HttpServletResponse response, String slug, String title, String detail)
            throws IOException {
        byte[] body = ("{\"type\":\"/problems/" + slug + "\",\"title\":\"" + title + "\",\"status\":" + response.getStatus()
                + ",\"detail\":\"" + detail + "\",\"instance\":\"" + request.getRequestURI().replace("\\", "\\\\").replace("\"", "\\\"")
                + "\"}").getBytes(StandardCharsets.UTF_8);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/problem+json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
