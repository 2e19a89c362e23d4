package dev.knotless.gateway.ratelimit;

import dev.knotless.gateway.TestClock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AddressRateLimiterTest {

    private final TestClock clock = new TestClock(Instant.parse("2026-11-19T09:00:00Z"));

    @Test
    void eachAddressHasItsOwnAllowanceRefilledGradually() {
        AddressRateLimiter limiter = new AddressRateLimiter(30, Duration.ofMinutes(1), 100, clock);

        for (int i = 0; i < 30; i++) {
            assertThat(limiter.refusal("10.0.0.1")).as("request %d", i + 1).isEmpty();
        }
        assertThat(limiter.refusal("10.0.0.1")).hasValueSatisfying(wait -> assertThat(wait).isEqualTo(Duration.ofSeconds(2)));
        assertThat(limiter.refusal("10.0.0.2")).as("another address").isEmpty();

        clock.advance(Duration.ofSeconds(2));
        assertThat(limiter.refusal("10.0.0.1")).as("one request back after 2 s").isEmpty();
        assertThat(limiter.refusal("10.0.0.1")).isPresent();
    }

    @Test
    void theLeastRecentlySeenAddressIsForgottenBeyondTheMaximum() {
        AddressRateLimiter limiter = new AddressRateLimiter(1, Duration.ofHours(1), 2, clock);
        limiter.refusal("a");
        limiter.refusal("b");
        assertThat(limiter.refusal("a")).as("a is limited").isPresent();

        limiter.refusal("c"); // forgets b, the least recently seen

        assertThat(limiter.refusal("a")).as("a is still remembered").isPresent();
        assertThat(limiter.refusal("b")).as("b starts again").isEmpty();
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
        assertThat(AddressRateLimiter.retryAfterSeconds(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(AddressRateLimiter.retryAfterSeconds(Duration.ofMillis(2001))).isEqualTo(3);
        assertThat(AddressRateLimiter.retryAfterSeconds(Duration.ofSeconds(2))).isEqualTo(2);
    }
}
