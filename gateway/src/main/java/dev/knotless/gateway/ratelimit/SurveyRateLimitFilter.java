package dev.knotless.gateway.ratelimit;

import dev.knotless.gateway.GatewaySettings;
import dev.knotless.gateway.Problems;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Limits the anonymous survey endpoints ({@code /api/surveys/**}) per client address: a survey
 * link's token is the only credential there, so guessing tokens must be slow. Beyond the limit a
 * 429 problem detail with {@code Retry-After}. Runs after Spring Security (whose headers the
 * refusal then carries); the client address is the connection's peer (behind a proxy, set
 * {@code server.forward-headers-strategy} so that it is the caller's).
 */
@Component
class SurveyRateLimitFilter implements WebFilter, Ordered {

    static final String PATH = "/api/surveys/";

    private final AddressRateLimiter limiter;
    private final GatewaySettings.Limit limit;

    SurveyRateLimitFilter(GatewaySettings settings, Clock clock) {
        this.limit = settings.rateLimit().surveys();
        this.limiter = new AddressRateLimiter(limit.requests(), limit.per(), limit.maxAddresses(), clock);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!exchange.getRequest().getPath().value().startsWith(PATH)) {
            return chain.filter(exchange);
        }
        Optional<Duration> refusal = limiter.refusal(address(exchange));
        if (refusal.isEmpty()) {
            return chain.filter(exchange);
        }
        exchange.getResponse().getHeaders().set("Retry-After", String.valueOf(AddressRateLimiter.retryAfterSeconds(refusal.get())));
        return Problems.write(exchange, HttpStatus.TOO_MANY_REQUESTS, "too-many-requests", "Too many requests",
                "At most " + limit.requests() + " survey requests per " + limit.per().toSeconds() + " s from one address; try again later.");
    }

    private static String address(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        return remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
    }

    @Override
    public int getOrder() {
        return -50; // after Spring Security's WebFilterChainProxy (-100)
    }
}
