package dev.knotless.gateway.security;

import dev.knotless.gateway.GatewaySettings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.oidc.web.server.logout.OidcClientInitiatedServerLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.server.WebSessionServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.logout.DelegatingServerLogoutHandler;
import org.springframework.security.web.server.authentication.logout.SecurityContextServerLogoutHandler;
import org.springframework.security.web.server.authentication.logout.WebSessionServerLogoutHandler;
import org.springframework.security.web.server.csrf.CookieServerCsrfTokenRepository;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy;
import org.springframework.security.web.server.header.XFrameOptionsServerHttpHeadersWriter;
import org.springframework.security.web.server.savedrequest.WebSessionServerRequestCache;
import org.springframework.security.web.server.util.matcher.AndServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.MediaTypeServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/**
 * Who may pass the gateway, and how:
 * <ul>
 * <li>API clients bring a bearer token from the auth-server: checked here (signature against the
 *     JWKS, issuer, audience, expiry) and passed on unchanged; the services check it again.</li>
 * <li>Browsers sign in through the auth-server as the client {@code knotless-gateway}; their tokens
 *     stay in the gateway's session (the page never sees them) and {@code TokenRelay} puts the access
 *     token on each routed request, renewing it with the refresh token when it expired. Writes with
 *     the session cookie need the CSRF token (cookie {@code XSRF-TOKEN}, header {@code X-XSRF-TOKEN}).</li>
 * <li>The survey endpoints are anonymous: the link's token is the credential.</li>
 * </ul>
 * Anything outside {@code /api} is open at this layer and not routed (404), so {@code /actuator/**}
 * on this port is a 404: management endpoints listen on {@code management.server.port}.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

    public static final String REGISTRATION_ID = "knotless";

    private static final Logger log = LoggerFactory.getLogger(SecurityConfig.class);
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.TRACE);

    @Bean
    SecurityWebFilterChain gatewaySecurity(ServerHttpSecurity http, ReactiveJwtDecoder apiTokens,
                                           ReactiveClientRegistrationRepository registrations,
                                           ServerOAuth2AuthorizedClientRepository authorizedClients,
                                           CorsConfigurationSource cors) {
        MediaTypeServerWebExchangeMatcher browsers = new MediaTypeServerWebExchangeMatcher(MediaType.TEXT_HTML);
        browsers.setIgnoredMediaTypes(Set.of(MediaType.ALL));
        ProblemAuthenticationEntryPoint problems = new ProblemAuthenticationEntryPoint();
        WebSessionServerRequestCache requestCache = new WebSessionServerRequestCache();
        // Only a page a browser asked for is remembered to return to after signing in (no session per refused API call).
        requestCache.setSaveRequestMatcher(new AndServerWebExchangeMatcher(ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET, "/api/**"), browsers));
        OidcClientInitiatedServerLogoutSuccessHandler signedOut = new OidcClientInitiatedServerLogoutSuccessHandler(registrations);
        signedOut.setPostLogoutRedirectUri("{baseUrl}/");
        signedOut.setLogoutSuccessUrl(URI.create("/"));

        return http
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers("/api/surveys/**").permitAll()
                        .pathMatchers("/api", "/api/**").authenticated()
                        .anyExchange().permitAll())
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .jwt(jwt -> jwt.jwtDecoder(apiTokens))
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(new ProblemAccessDeniedHandler()))
                .oauth2Login(login -> login.authorizedClientRepository(authorizedClients))
                .oauth2Client(client -> client.authorizedClientRepository(authorizedClients))
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint((exchange, failure) -> browsers.matches(exchange)
                                .flatMap(match -> match.isMatch()
                                        ? new RedirectServerAuthenticationEntryPoint("/oauth2/authorization/" + REGISTRATION_ID).commence(exchange, failure)
                                        : problems.commence(exchange, failure)))
                        .accessDeniedHandler(new ProblemAccessDeniedHandler()))
                .requestCache(cache -> cache.requestCache(requestCache))
                .logout(logout -> logout
                        .logoutUrl("/logout")
                        .logoutHandler(new DelegatingServerLogoutHandler(new SecurityContextServerLogoutHandler(), new WebSessionServerLogoutHandler()))
                        .logoutSuccessHandler(signedOut))
                .csrf(csrf -> csrf
                        .csrfTokenRepository(CookieServerCsrfTokenRepository.withHttpOnlyFalse())
                        // The plain token, as the cookie carries it: a page's script copies the cookie into X-XSRF-TOKEN.
                        .csrfTokenRequestHandler(new ServerCsrfTokenRequestAttributeHandler())
                        .requireCsrfProtectionMatcher(SecurityConfig::needsCsrfToken)
                        .accessDeniedHandler(new ProblemAccessDeniedHandler()))
                .addFilterAfter(issueCsrfCookie(), SecurityWebFiltersOrder.CSRF)
                .cors(corsSpec -> corsSpec.configurationSource(cors))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'none'; frame-ancestors 'none'"))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER))
                        .frameOptions(frame -> frame.mode(XFrameOptionsServerHttpHeadersWriter.Mode.DENY))
                        // written only on HTTPS requests (TLS on, or a proxy's X-Forwarded-Proto with forward headers on)
                        .hsts(hsts -> hsts.maxAge(Duration.ofDays(365)).includeSubdomains(true)))
                .build();
    }

    /**
     * A write needs the CSRF token when a browser's session cookie may be what authenticates it:
     * not with a bearer token (a page on another site cannot add one), not without a session
     * cookie (nothing to abuse: the call is refused as unauthenticated, 401), not on the anonymous
     * survey endpoints.
     */
    static Mono<ServerWebExchangeMatcher.MatchResult> needsCsrfToken(org.springframework.web.server.ServerWebExchange exchange) {
        var request = exchange.getRequest();
        String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        boolean bearer = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
        boolean survey = request.getPath().value().startsWith("/api/surveys/");
        boolean session = request.getCookies().containsKey(SessionConfig.COOKIE);
        return SAFE.contains(request.getMethod()) || bearer || survey || !session
                ? ServerWebExchangeMatcher.MatchResult.notMatch()
                : ServerWebExchangeMatcher.MatchResult.match();
    }

    /** The CSRF token is made lazily; asking for it writes the {@code XSRF-TOKEN} cookie for a page's script to read. */
    private static WebFilter issueCsrfCookie() {
        return (exchange, chain) -> {
            Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
            return token == null ? chain.filter(exchange) : token.then(chain.filter(exchange));
        };
    }

    /** API tokens: RS256 signed by a key of the JWKS, from our issuer, for our audience, not expired. */
    @Bean
    ReactiveJwtDecoder apiTokenDecoder(GatewaySettings settings) {
        GatewaySettings.Auth auth = settings.auth();
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSetUri(auth.jwksUri().toString()).build();
        var validator = new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(auth.issuerText()),
                new JwtClaimValidator<List<String>>(JwtClaimNames.AUD, audience -> audience != null && audience.contains(auth.audience())));
        decoder.setJwtValidator(validator);
        return new VerifiedTokens(decoder, validator, 10_000, Duration.ofMinutes(5));
    }

    /**
     * The gateway's client at the auth-server, from configuration rather than discovery: the
     * browser reaches the auth-server at the issuer's address, the gateway may reach it at
     * another (compose: inside its network), and the gateway starts without asking it anything.
     */
    @Bean
    ReactiveClientRegistrationRepository clientRegistrations(GatewaySettings settings) {
        GatewaySettings.Auth auth = settings.auth();
        if (auth.clientSecret() == null || auth.clientSecret().isBlank()) {
            log.warn("No KNOTLESS_GATEWAY_CLIENT_SECRET: browsers cannot sign in through the gateway (bearer tokens still work)");
        }
        String issuer = auth.issuerText();
        String publicUrl = auth.publicUrl() == null || auth.publicUrl().isBlank() ? "{baseUrl}" : auth.publicUrl().replaceAll("/+$", "");
        ClientRegistration registration = ClientRegistration.withRegistrationId(REGISTRATION_ID)
                .clientId(auth.clientId())
                .clientSecret(auth.clientSecret() == null ? "" : auth.clientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri(publicUrl + "/login/oauth2/code/{registrationId}")
                .scope("openid", "profile")
                .authorizationUri(issuer + "/oauth2/authorize")
                .tokenUri(auth.tokenEndpoint().toString())
                .jwkSetUri(auth.jwksUri().toString())
                .issuerUri(issuer)
                .userNameAttributeName("sub")
                .providerConfigurationMetadata(Map.of("issuer", issuer, "end_session_endpoint", issuer + "/connect/logout"))
                .clientName("Knotless")
                .build();
        return new InMemoryReactiveClientRegistrationRepository(registration);
    }

    /**
     * What {@code TokenRelay} asks for a signed-in browser's access token: the one in its session,
     * renewed with the refresh token once it has expired (or will within a minute), by the
     * application's clock.
     */
    @Bean
    ReactiveOAuth2AuthorizedClientManager authorizedClientManager(ReactiveClientRegistrationRepository registrations,
                                                                  ServerOAuth2AuthorizedClientRepository authorizedClients, Clock clock) {
        DefaultReactiveOAuth2AuthorizedClientManager manager = new DefaultReactiveOAuth2AuthorizedClientManager(registrations, authorizedClients);
        manager.setAuthorizedClientProvider(ReactiveOAuth2AuthorizedClientProviderBuilder.builder()
                .authorizationCode()
                .refreshToken(refresh -> refresh.clock(clock))
                .build());
        return manager;
    }

    /** A browser's tokens live in its session: signing out or idling out forgets them with it. */
    @Bean
    ServerOAuth2AuthorizedClientRepository authorizedClientRepository() {
        return new WebSessionServerOAuth2AuthorizedClientRepository();
    }

    /** Closed unless origins are configured; a preflight from any other origin is refused (403). */
    @Bean
    CorsConfigurationSource corsConfigurationSource(GatewaySettings settings) {
        CorsConfiguration configuration = new CorsConfiguration();
        configuration.setAllowedOrigins(settings.cors().allowedOrigins());
        configuration.setAllowedMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE"));
        configuration.setAllowedHeaders(List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE, "X-XSRF-TOKEN", "X-Request-Id",
                "Idempotency-Key"));
        configuration.setExposedHeaders(List.of("X-Request-Id", "Retry-After", "Location", "Idempotent-Replayed"));
        configuration.setAllowCredentials(!settings.cors().allowedOrigins().isEmpty());
        configuration.setMaxAge(Duration.ofHours(1));
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/**", configuration);
        return source;
    }
}
