package dev.knotless.auth.signin;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code requests} per {@code per} for each client address: one Bucket4j token bucket per address
 * (refilled gradually, so a steady caller at the allowed rate is never refused), in memory. The
 * least recently seen addresses are forgotten beyond {@code maxAddresses}, so that a flood of
 * addresses cannot exhaust memory; a forgotten address starts again with a full bucket.
 */
final class AddressRateLimiter {

    private final int requests;
    private final Duration per;
    private final TimeMeter time;
    private final Map<String, Bucket> buckets;

    AddressRateLimiter(int requests, Duration per, int maxAddresses, Clock clock) {
        this.requests = requests;
        this.per = per;
        this.time = new ClockTime(clock);
        this.buckets = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > maxAddresses;
            }
        };
    }

    /** Takes one request from {@code address}'s allowance: empty when allowed, else how long until the next one would be. */
    Optional<Duration> refusal(String address) {
        Bucket bucket;
        synchronized (buckets) {
            bucket = buckets.computeIfAbsent(address, unused -> newBucket());
        }
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    /** Whole seconds to wait, at least 1: the value of {@code Retry-After}. */
    static long retryAfterSeconds(Duration wait) {
        long seconds = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(requests).refillGreedy(requests, per).build())
                .withCustomTimePrecision(time)
                .build();
    }

    /** Bucket4j reads the time from the application's clock, which tests move. */
    private record ClockTime(Clock clock) implements TimeMeter {
        @Override
        public long currentTimeNanos() {
            var now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    }
}
