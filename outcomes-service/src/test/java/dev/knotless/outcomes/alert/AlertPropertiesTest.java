package dev.knotless.outcomes.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.AlertRule;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class AlertPropertiesTest {

    private static AlertProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("knotless.outcomes.alerts", AlertProperties.class);
    }

    @Test
    void withoutConfigurationTheDesignDefaultsApply() {
        assertThat(bind(Map.of()).thresholds()).isEqualTo(AlertRules.Thresholds.DEFAULT);
    }

    @Test
    void thresholdsAndOneRulesLevelCanBeOverridden() {
        var thresholds = bind(Map.of(
                "knotless.outcomes.alerts.high-soreness", "8",
                "knotless.outcomes.alerts.levels.SORENESS_NOT_SUBSIDING", "HIGH")).thresholds();

        assertThat(thresholds.highSoreness()).isEqualTo(8);
        assertThat(thresholds.notSubsidingSoreness()).isEqualTo(4);
        assertThat(thresholds.levels()).containsEntry(AlertRule.SORENESS_NOT_SUBSIDING, AlertLevel.HIGH)
                .containsEntry(AlertRule.FOLLOW_UPS_MISSED, AlertLevel.LOW);
    }

    @Test
    void aThresholdOutsideTheSorenessScaleIsRefused() {
        assertThatThrownBy(() -> bind(Map.of("knotless.outcomes.alerts.high-soreness", "11"))).hasRootCauseInstanceOf(IllegalArgumentException.class);
    }
}
