package dev.knotless.gateway.security;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * {@code Cache-Control: no-store} on every {@code /api} response, the services' and the gateway's
 * own refusals alike: they carry patient data or survey tokens, which no browser or proxy cache
 * may keep. Set just before the response is sent, over whatever the service said.
 */
@Component
class NoStoreFilter implements WebFilter, Ordered {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().value();
        if (path.equals("/api") || path.startsWith("/api/")) {
            exchange.getResponse().beforeCommit(() -> {
                HttpHeaders headers = exchange.getResponse().getHeaders();
                headers.setCacheControl("no-store");
                headers.remove(HttpHeaders.EXPIRES);
                headers.set(HttpHeaders.PRAGMA, "no-cache");
                return Mono.empty();
            });
        }
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1; // before anything that may answer on its own (security, rate limit)
    }
}
