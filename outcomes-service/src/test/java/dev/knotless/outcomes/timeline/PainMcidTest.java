package dev.knotless.outcomes.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PainMcidTest {

    private final PainMcid mcid = PainMcid.DEFAULT;

    @Test
    void aDropOfTwoPointsReachesTheMcidAndOneDoesNot() {
        assertThat(mcid.reached(7, 5)).isTrue();
        assertThat(mcid.reached(7, 6)).isFalse();
        assertThat(mcid.reached(7, 0)).isTrue();
    }

    @Test
    void moreOrUnchangedPainDoesNotReachIt() {
        assertThat(mcid.reached(5, 5)).isFalse();
        assertThat(mcid.reached(3, 6)).isFalse();
    }

    @Test
    void withoutABaselineOrALatestValueItIsNotReached() {
        assertThat(mcid.reached(null, 2)).isFalse();
        assertThat(mcid.reached(7, null)).isFalse();
    }

    @Test
    void theThresholdIsConfigurable() {
        assertThat(new PainMcid(3).reached(7, 5)).isFalse();
        assertThat(new PainMcid(3).reached(7, 4)).isTrue();
        assertThatThrownBy(() -> new PainMcid(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void painChangeIsLatestMinusBaseline() {
        assertThat(PainMcid.change(7, 4)).isEqualTo(-3);
        assertThat(PainMcid.change(null, 4)).isNull();
    }
}
