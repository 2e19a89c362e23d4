package dev.knotless.session.safety;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code knotless.safety.*}: how current the read model of intakes and adverse events must be for the
 * safety gate to decide, and how it is checked ({@link ReadModelFreshness}).
 *
 * @param maxStaleness a session is refused (503) when the read model was last confirmed current longer ago than this
 * @param checkInterval how often the consumer group's committed offsets are compared with the topics' end offsets
 * @param checkTimeout how long one check may wait for the broker before it counts as failed
 */
@ConfigurationProperties("knotless.safety")
public record SafetyDataProperties(
        @DefaultValue("30s") Duration maxStaleness,
        @DefaultValue("2s") Duration checkInterval,
        @DefaultValue("2s") Duration checkTimeout) {

    public SafetyDataProperties {
        requirePositive("max-staleness", maxStaleness);
        requirePositive("check-interval", checkInterval);
        requirePositive("check-timeout", checkTimeout);
        // Between two checks the age grows by the interval: with a longer interval every session would be refused.
        if (checkInterval.compareTo(maxStaleness) >= 0) {
            throw new IllegalArgumentException("knotless.safety.check-interval must be shorter than knotless.safety.max-staleness");
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("knotless.safety." + name + " must be positive");
        }
    }
}
