package dev.knotless.gateway;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code knotless.gateway.*} beyond the services' addresses ({@link GatewayServices}): sign-in,
 * sessions, CORS and rate limits. application.yml names the environment variable behind each.
 *
 * @param auth      the auth-server this gateway trusts and signs browsers in at
 * @param session   browser sessions
 * @param cors      cross-origin callers
 * @param rateLimit limits per client address
 * @param audit     the audit query across the services
 */
@ConfigurationProperties("knotless.gateway")
public record GatewaySettings(
        @DefaultValue Auth auth,
        @DefaultValue Session session,
        @DefaultValue Cors cors,
        @DefaultValue RateLimit rateLimit,
        @DefaultValue Audit audit) {

    /**
     * @param issuer       the auth-server's address as browsers reach it, also the {@code iss} of its tokens
     * @param jwksUri      where the gateway fetches the signing keys (may be an internal address)
     * @param tokenUri     where the gateway exchanges codes and refresh tokens; blank: beside {@code jwksUri}
     * @param audience     the audience an API token must name
     * @param clientId     this gateway's client at the auth-server
     * @param clientSecret its secret ({@code KNOTLESS_GATEWAY_CLIENT_SECRET}); never committed
     * @param publicUrl    this gateway's address as browsers reach it; blank: each request's own
     */
    public record Auth(
            @DefaultValue("http://localhost:9000") URI issuer,
            @DefaultValue("http://localhost:9000/oauth2/jwks") URI jwksUri,
            URI tokenUri,
            @DefaultValue("knotless-api") String audience,
            @DefaultValue("knotless-gateway") String clientId,
            String clientSecret,
            String publicUrl) {

        /** The issuer without a trailing slash, as the auth-server writes it in {@code iss}. */
        public String issuerText() {
            return issuer.toString().replaceAll("/+$", "");
        }

        public URI tokenEndpoint() {
            return tokenUri != null && !tokenUri.toString().isBlank() ? tokenUri : jwksUri.resolve("/oauth2/token");
        }
    }

    /** @param idleTimeout a browser session untouched this long is over: signed out, its tokens forgotten */
    public record Session(@DefaultValue("15m") Duration idleTimeout) {
    }

    /** @param allowedOrigins origins whose pages may call the API with credentials; empty: no cross-origin call is allowed */
    public record Cors(@DefaultValue List<String> allowedOrigins) {
    }

    /** @param surveys the anonymous survey endpoints, where the link's token is the credential */
    public record RateLimit(@DefaultValue Limit surveys) {
    }

    /**
     * @param requests     how many requests one client address may make ...
     * @param per          ... in this period (refilled gradually)
     * @param maxAddresses how many addresses are remembered (the least recently seen are forgotten first)
     */
    public record Limit(@DefaultValue("30") int requests, @DefaultValue("1m") Duration per, @DefaultValue("100000") int maxAddresses) {

        public Limit {
            if (requests < 1 || per.isNegative() || per.isZero() || maxAddresses < 1) {
                throw new IllegalArgumentException("A rate limit needs requests >= 1, a positive period and maxAddresses >= 1");
            }
        }
    }

    /**
     * @param maxPagesPerService how many pages of one service a merged audit page may read; a
     *                           service with long stretches of nothing in the range ends the page
     *                           early (fewer records, a {@code next}) rather than holding it
     */
    public record Audit(@DefaultValue("8") int maxPagesPerService) {

        public Audit {
            if (maxPagesPerService < 1) {
                throw new IllegalArgumentException("knotless.gateway.audit.max-pages-per-service must be at least 1");
            }
        }
    }
}
