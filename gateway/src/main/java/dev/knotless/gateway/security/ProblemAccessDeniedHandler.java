package dev.knotless.gateway.security;

import dev.knotless.gateway.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.csrf.CsrfException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** 403 as a problem detail; a missing or wrong CSRF token says so, since a page's script can fix it. */
final class ProblemAccessDeniedHandler implements ServerAccessDeniedHandler {

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
        if (denied instanceof CsrfException) {
            return Problems.write(exchange, HttpStatus.FORBIDDEN, "csrf-token-missing", "CSRF token missing or wrong",
                    "A write with the session cookie needs the XSRF-TOKEN cookie's value in the X-XSRF-TOKEN header.");
        }
        return Problems.write(exchange, HttpStatus.FORBIDDEN, "forbidden", "Forbidden", "Not allowed.");
    }
}
