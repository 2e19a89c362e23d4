package dev.knotless.platform.idempotency;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code knotless.idempotency.*}: how a service keeps the answers of POSTs sent with an
 * {@code Idempotency-Key}.
 *
 * @param enabled       off: the header is ignored and every POST runs (as before the header existed)
 * @param retention     how long a key and its answer are kept; an older key counts as new
 * @param lease         how long a claimed key is held for a request that has not answered yet: a
 *                      request with the same key is a 409 meanwhile, and runs again once it passed
 *                      (the first request crashed). Longer than any request runs.
 * @param purgeInterval how often keys past their retention are removed, for a store without TTL
 *                      indexes (the embedded one); MongoDB's TTL monitor removes them on its own
 */
@ConfigurationProperties("knotless.idempotency")
public record IdempotencyProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("24h") Duration retention,
        @DefaultValue("1m") Duration lease,
        @DefaultValue("1h") Duration purgeInterval) {
}
