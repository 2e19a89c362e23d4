package dev.knotless.gateway;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.factory.RetryGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.factory.RetryGatewayFilterFactory.RetryConfig;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code SafeRetry}: sends a request that failed on its way to an instance again, to the next
 * instance the balancer chooses, only where sending it twice can do no harm. Spring Cloud Gateway's
 * {@code Retry} filter does the retrying; this one only chooses, per request, which of two
 * configurations of it applies, since {@code Retry} itself tells requests apart by method alone:
 *
 * <ul>
 *   <li>GET, HEAD, OPTIONS, and any request with an {@code Idempotency-Key} (the services answer a
 *       repeat with the first answer, decision 18): retried after any I/O failure, e.g. an instance
 *       that closed the connection as it stopped.</li>
 *   <li>Every other request, e.g. a POST without a key: retried only when no connection could be
 *       made, so it certainly never arrived. Once sent, it is not sent again: the instance may have
 *       carried it out; the client gets the 503 that says so.</li>
 * </ul>
 *
 * A service's own answer, 5xx included, is never retried: it is the answer. Nor is a response
 * timeout: a request that has waited that long does not wait that long again. The body is kept in
 * memory for a second sending (at most the body limit, checked by {@code RequestBodyLimit} before).
 * Each request sent again counts in {@code knotless.gateway.retries{route, kind}}, {@code kind}
 * {@code after-failure} or {@code not-delivered}.
 */
@Component
class SafeRetryGatewayFilterFactory extends AbstractGatewayFilterFactory<SafeRetryGatewayFilterFactory.Config> {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    private static final Set<HttpMethod> WITH_BODY = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

    private final RetryGatewayFilterFactory retry;
    private final MeterRegistry meters;

    SafeRetryGatewayFilterFactory(RetryGatewayFilterFactory retry, MeterRegistry meters) {
        super(Config.class);
        this.retry = retry;
        this.meters = meters;
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of("retries");
    }

    @Override
    public GatewayFilter apply(Config config) {
        // No route id: Retry would otherwise cache every body of the route before RequestBodyLimit counts it.
        GatewayFilter afterAnyIoFailure = retry.apply(retryConfig(config, IOException.class));
        GatewayFilter whenNotDelivered = retry.apply(retryConfig(config, ConnectException.class));
        return (exchange, chain) -> {
            ServerHttpRequest request = exchange.getRequest();
            boolean repeatable = mayRepeat(request);
            GatewayFilter retrying = repeatable ? afterAnyIoFailure : whenNotDelivered;
            GatewayFilterChain counted = counting(chain, exchange, repeatable ? "after-failure" : "not-delivered");
            if (!WITH_BODY.contains(request.getMethod())) {
                return retrying.filter(exchange, counted);
            }
            return ServerWebExchangeUtils.cacheRequestBody(exchange,
                    cached -> retrying.filter(exchange.mutate().request(cached).build(), counted));
        };
    }

    /** {@code chain}, counting each subscription after the first: Retry subscribes again to send again. */
    private GatewayFilterChain counting(GatewayFilterChain chain, ServerWebExchange exchange, String kind) {
        AtomicInteger attempts = new AtomicInteger();
        return next -> Mono.defer(() -> {
            if (attempts.incrementAndGet() > 1) {
                Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
                meters.counter("knotless.gateway.retries", "route", route == null ? "none" : route.getId(), "kind", kind).increment();
            }
            return chain.filter(next);
        });
    }

    /** A safe method, or a request the service answers once whatever how often it comes. */
    static boolean mayRepeat(ServerHttpRequest request) {
        return SAFE.contains(request.getMethod()) || request.getHeaders().getFirst(IDEMPOTENCY_KEY) != null;
    }

    private static RetryConfig retryConfig(Config config, Class<? extends Throwable> failure) {
        return new RetryConfig()
                .setRetries(config.getRetries())
                .setSeries()
                .setStatuses()
                .setMethods(HttpMethod.values())
                .setExceptions(failure)
                .setBackoff(config.getFirstBackoff(), config.getMaxBackoff(), 2, false);
    }

    public static class Config {
        private int retries = 3;
        private Duration firstBackoff = Duration.ofMillis(50);
        private Duration maxBackoff = Duration.ofMillis(500);

        public int getRetries() {
            return retries;
        }

        public void setRetries(int retries) {
            this.retries = retries;
        }

        public Duration getFirstBackoff() {
            return firstBackoff;
        }

        public void setFirstBackoff(Duration firstBackoff) {
            this.firstBackoff = firstBackoff;
        }

        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }
    }
}
