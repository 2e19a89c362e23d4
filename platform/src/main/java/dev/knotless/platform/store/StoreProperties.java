package dev.knotless.platform.store;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code knotless.store.*}: how long a service waits for its store before it gives up.
 *
 * @param serverSelectionTimeout how long an operation waits for a store it can reach; then it fails
 *     (a 503 problem on the API, a retry for a consumer). The driver's default is 30 s, longer than
 *     the gateway waits (10 s), so a request would hang and end as the gateway's timeout instead of
 *     the service's answer. A store that is up answers in milliseconds, so seconds are plenty.
 */
@ConfigurationProperties("knotless.store")
public record StoreProperties(@DefaultValue("2s") Duration serverSelectionTimeout) {

    public StoreProperties {
        if (serverSelectionTimeout.isNegative() || serverSelectionTimeout.isZero()) {
            throw new IllegalArgumentException("knotless.store.server-selection-timeout must be positive");
        }
    }
}
