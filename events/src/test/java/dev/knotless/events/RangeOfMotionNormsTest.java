package dev.knotless.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.events.Vocabulary.Joint;
import dev.knotless.events.Vocabulary.Movement;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class RangeOfMotionNormsTest {

    @Test
    void percentOfNormalIsRoundedToOneDecimal() {
        assertThat(RangeOfMotionNorms.percentOfNormal(Joint.SHOULDER, Movement.FLEXION, 120)).contains(new BigDecimal("66.7"));
        assertThat(RangeOfMotionNorms.percentOfNormal(Joint.SHOULDER, Movement.FLEXION, 180)).contains(new BigDecimal("100.0"));
        assertThat(RangeOfMotionNorms.percentOfNormal(Joint.KNEE, Movement.FLEXION, 0)).contains(new BigDecimal("0.0"));
    }

    @Test
    void aMovementTheJointDoesNotHaveHasNoNorm() {
        assertThat(RangeOfMotionNorms.of(Joint.KNEE, Movement.ABDUCTION)).isEmpty();
        assertThat(RangeOfMotionNorms.percentOfNormal(Joint.KNEE, Movement.ABDUCTION, 10)).isEmpty();
        assertThat(RangeOfMotionNorms.problemWith(Joint.KNEE, Movement.ABDUCTION, 10)).contains("not a measured movement");
    }

    @Test
    void readingsOutsideZeroAndTheJointMaximumAreProblems() {
        assertThat(RangeOfMotionNorms.problemWith(Joint.SHOULDER, Movement.FLEXION, -5)).contains("at least 0");
        assertThat(RangeOfMotionNorms.problemWith(Joint.SHOULDER, Movement.FLEXION, 190)).isNull();
        assertThat(RangeOfMotionNorms.problemWith(Joint.SHOULDER, Movement.FLEXION, 191)).contains("cannot exceed 190");
        assertThat(RangeOfMotionNorms.problemWith(Joint.SHOULDER, Movement.FLEXION, 0)).isNull();
    }

    @Test
    void everyNormalValueIsBelowItsMaximum() {
        for (Joint joint : Joint.values()) {
            for (Movement movement : Movement.values()) {
                RangeOfMotionNorms.of(joint, movement).ifPresent(norm ->
                        assertThat(norm.normalDegrees()).as(joint + " " + movement).isPositive().isLessThan(norm.maximumDegrees()));
            }
        }
    }
}
