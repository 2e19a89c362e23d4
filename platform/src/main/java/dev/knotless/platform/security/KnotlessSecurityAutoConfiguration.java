package dev.knotless.platform.security;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.springframework.beans.factory.ObjectProvider;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestTemplate;

/**
 * Every service as an OAuth2 resource server (issue 11, defence in depth: the services do not trust
 * the network). A request to {@code /api/**} needs a JWT from the auth-server: signature (RS256,
 * keys from its JWKS), issuer, audience {@code knotless-api}, expiry; its claims become a
 * {@link StaffMember}. Stateless: no session, no cookie, so no CSRF token either. Refusals are
 * problem details: 401 with {@code WWW-Authenticate: Bearer} for a missing or bad token, 403 for a
 * role that may not, 503 when the keys cannot be fetched (not the token's fault).
 *
 * <p>On only in a service that depends on {@code spring-boot-starter-security-oauth2-resource-server}
 * itself (optional in platform), so that a service migrates when its tests send tokens.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration"})
@ConditionalOnClass({BearerTokenAuthenticationFilter.class, NimbusJwtDecoder.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(SecurityProperties.class)
@EnableWebSecurity
public class KnotlessSecurityAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(KnotlessSecurityAutoConfiguration.class);

    /** Actuator endpoints that answer without a token: the probes the launcher and compose poll. */
    static final List<String> PROBES = List.of("/actuator/health", "/actuator/health/**");

    @Bean
    @ConditionalOnMissingBean
    JwtDecoder jwtDecoder(SecurityProperties properties, ObjectProvider<Clock> clocks) {
        // The services' Clock (tests move it); web slices, which have none, check against the system's.
        Clock clock = clocks.getIfAvailable(Clock::systemUTC);
        // Short timeouts: a request waiting on the JWKS holds a server thread.
        var requests = new SimpleClientHttpRequestFactory();
        requests.setConnectTimeout(Duration.ofSeconds(2));
        requests.setReadTimeout(Duration.ofSeconds(3));
        var restOperations = new RestTemplate(requests);
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(properties.effectiveJwkSetUri())
                .jwsAlgorithm(SignatureAlgorithm.RS256)
                .restOperations(restOperations)
                .build();
        var validator = validator(properties, clock);
        decoder.setJwtValidator(validator);
        return new VerifiedTokens(decoder, validator, properties.verifiedTokens(), Duration.ofMinutes(5));
    }

    /** Issuer, audience, expiry (against the services' Clock) and the claims a StaffMember needs. */
    static DelegatingOAuth2TokenValidator<Jwt> validator(SecurityProperties properties, Clock clock) {
        if (properties.issuer() == null || properties.issuer().isBlank()) {
            throw new IllegalStateException("knotless.security.issuer (the auth-server's URL) is required");
        }
        var timestamps = new JwtTimestampValidator(properties.clockSkew());
        timestamps.setClock(clock);
        var audience = new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
                aud -> aud != null && aud.contains(properties.audience()));
        return new DelegatingOAuth2TokenValidator<>(timestamps, new JwtIssuerValidator(properties.issuer()), audience,
                new StaffClaimsValidator());
    }

    @Bean
    @ConditionalOnMissingBean(name = "knotlessSecurityFilterChain")
    SecurityFilterChain knotlessSecurityFilterChain(HttpSecurity http, SecurityProperties properties) throws Exception {
        AuthenticationEntryPoint entryPoint = new ProblemEntryPoint();
        AccessDeniedHandler denied = new ProblemAccessDenied();
        http.csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .securityContext(context -> context.requireExplicitSave(true))
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .anonymous(anonymous -> { })
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(entryPoint).accessDeniedHandler(denied))
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler(denied)
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(KnotlessSecurityAutoConfiguration::authenticate))
                        .withObjectPostProcessor(new ObjectPostProcessor<BearerTokenAuthenticationFilter>() {
                            @Override
                            public <O extends BearerTokenAuthenticationFilter> O postProcess(O filter) {
                                filter.setAuthenticationFailureHandler((request, response, exception) -> {
                                    if (exception instanceof AuthenticationServiceException) {
                                        // The keys could not be fetched: our failure, not a bad token.
                                        log.warn("Cannot check a bearer token: {}", exception.getMessage());
                                        ProblemResponses.write(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "token-check-unavailable",
                                                "Service unavailable", "Tokens cannot be checked at the moment; try again shortly");
                                    } else {
                                        entryPoint.commence(request, response, exception);
                                    }
                                });
                                return filter;
                            }
                        }))
                .addFilterAfter(new StaffRequests.Capture(), BearerTokenAuthenticationFilter.class)
                .authorizeHttpRequests(requests -> {
                    requests.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll();
                    requests.requestMatchers(PROBES.toArray(String[]::new)).permitAll();
                    if (!properties.anonymousPaths().isEmpty()) {
                        requests.requestMatchers(properties.anonymousPaths().toArray(String[]::new)).permitAll();
                    }
                    requests.requestMatchers(HttpMethod.GET, "/api/clinics/*/audit").hasRole(Role.CLINIC_ADMIN.name());
                    requests.requestMatchers("/api/**").hasAnyRole(Role.THERAPIST.name(), Role.CLINIC_ADMIN.name());
                    requests.requestMatchers("/actuator/**").hasRole(Role.OPERATOR.name());
                    requests.anyRequest().denyAll();
                });
        return http.build();
    }

    static StaffAuthentication authenticate(Jwt jwt) {
        // The validator has already refused a token without a subject, a known role or a clinic.
        Role role = StaffClaimsValidator.roleOf(jwt);
        String clinic = role == Role.OPERATOR ? null : jwt.getClaimAsString(TokenClaims.CLINIC_ID);
        return new StaffAuthentication(jwt, new StaffMember(jwt.getSubject(), role, clinic));
    }

    /** 401 with Spring's {@code WWW-Authenticate: Bearer ...} header and a problem detail body. */
    static final class ProblemEntryPoint implements AuthenticationEntryPoint {
        private final BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();

        @Override
        public void commence(jakarta.servlet.http.HttpServletRequest request, HttpServletResponse response,
                             org.springframework.security.core.AuthenticationException exception) throws java.io.IOException {
            bearer.commence(request, response, exception);
            boolean tokenSent = request.getHeader("Authorization") != null;
            ProblemResponses.write(response, HttpServletResponse.SC_UNAUTHORIZED, "unauthorized", "Unauthorized",
                    tokenSent ? "The bearer token is invalid or has expired" : "A bearer token is required");
        }
    }

    /** 403 with Spring's {@code WWW-Authenticate} header and a problem detail body. */
    static final class ProblemAccessDenied implements AccessDeniedHandler {
        private final BearerTokenAccessDeniedHandler bearer = new BearerTokenAccessDeniedHandler();

        @Override
        public void handle(jakarta.servlet.http.HttpServletRequest request, HttpServletResponse response,
                           org.springframework.security.access.AccessDeniedException exception) throws java.io.IOException {
            bearer.handle(request, response, exception);
            ProblemResponses.write(response, HttpServletResponse.SC_FORBIDDEN, "forbidden", "Forbidden",
                    "Your role may not do this");
        }
    }
}
