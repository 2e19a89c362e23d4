package dev.knotless.session.safety;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SafetyDataPropertiesTest {

    @Test
    void aCheckIntervalAsLongAsTheLimitIsRefusedAtStart() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new SafetyDataProperties(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(2)))
                .withMessageContaining("check-interval");
    }

    @Test
    void aZeroLimitIsRefusedAtStart() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new SafetyDataProperties(Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(2)))
                .withMessageContaining("max-staleness");
    }
}
