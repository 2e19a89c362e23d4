package dev.knotless.gateway.security;

import dev.knotless.gateway.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * 401 for an API call without a valid token: {@code WWW-Authenticate: Bearer} (RFC 6750, with
 * {@code error="invalid_token"} when a token was sent but refused) and a problem detail that does
 * not say why the token was refused.
 */
final class ProblemAuthenticationEntryPoint implements ServerAuthenticationEntryPoint {

    @Override
    public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException failure) {
        boolean tokenRefused = failure instanceof OAuth2AuthenticationException;
        exchange.getResponse().getHeaders().set("WWW-Authenticate",
                tokenRefused ? "Bearer error=\"invalid_token\", error_description=\"The access token is invalid or expired\"" : "Bearer");
        return Problems.write(exchange, HttpStatus.UNAUTHORIZED, "unauthorized", "Sign-in required",
                tokenRefused ? "The access token is invalid or expired." : "Send an access token (Authorization: Bearer ...) or sign in.");
    }
}
