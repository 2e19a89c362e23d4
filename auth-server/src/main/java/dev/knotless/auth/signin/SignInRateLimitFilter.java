package dev.knotless.auth.signin;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * At most {@code knotless.auth.sign-in-rate-limit.requests} posts of the sign-in form per
 * {@code per} from one client address (10 a minute): password guessing across accounts is slowed
 * before any password is checked (the per-account lock stops guessing at one account). Beyond it a
 * 429 problem detail with {@code Retry-After}. Ahead of Spring Security's filters; the client
 * address is the connection's peer (behind a proxy, set {@code server.forward-headers-strategy}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
@EnableConfigurationProperties(SignInRateLimitFilter.Limit.class)
class SignInRateLimitFilter extends OncePerRequestFilter {

    /**
     * @param requests     sign-in posts one address may make ...
     * @param per          ... in this period (refilled gradually)
     * @param maxAddresses how many addresses are remembered (least recently seen forgotten first)
     */
    @ConfigurationProperties("knotless.auth.sign-in-rate-limit")
    record Limit(@DefaultValue("10") int requests, @DefaultValue("1m") Duration per, @DefaultValue("100000") int maxAddresses) {
    }

    private final Limit limit;
    private final AddressRateLimiter limiter;

    SignInRateLimitFilter(Limit limit, Clock clock) {
        this.limit = limit;
        this.limiter = new AddressRateLimiter(limit.requests(), limit.per(), limit.maxAddresses(), clock);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !("POST".equals(request.getMethod()) && "/login".equals(request.getServletPath()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws ServletException, IOException {
        Optional<Duration> refusal = limiter.refusal(request.getRemoteAddr());
        if (refusal.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = ("{\"type\":\"/problems/too-many-requests\",\"title\":\"Too many requests\",\"status\":429,"
                + "\"detail\":\"At most " + limit.requests() + " sign-in attempts per " + limit.per().toSeconds()
                + " s from one address; try again later.\",\"instance\":\"/login\"}").getBytes(StandardCharsets.UTF_8);
        response.setStatus(429);
        response.setHeader("Retry-After", String.valueOf(AddressRateLimiter.retryAfterSeconds(refusal.get())));
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/problem+json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
