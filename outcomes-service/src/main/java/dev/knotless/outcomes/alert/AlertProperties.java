package dev.knotless.outcomes.alert;

import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.AlertRule;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code knotless.outcomes.alerts.*}: the thresholds of the alert rules and, optionally, the level
 * of a rule ({@code levels.HIGH_SORENESS: MEDIUM}); unset levels keep the defaults.
 */
@ConfigurationProperties("knotless.outcomes.alerts")
record AlertProperties(
        @DefaultValue("7") int highSoreness,
        @DefaultValue("4") int notSubsidingSoreness,
        Map<AlertRule, AlertLevel> levels) {

    AlertProperties {
        if (highSoreness < 0 || highSoreness > 10 || notSubsidingSoreness < 0 || notSubsidingSoreness > 10) {
            throw new IllegalArgumentException("knotless.outcomes.alerts thresholds are soreness values from 0 to 10");
        }
    }

    AlertRules.Thresholds thresholds() {
        return new AlertRules.Thresholds(highSoreness, notSubsidingSoreness, levels);
    }
}
