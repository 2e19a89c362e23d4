package dev.knotless.intake.assessment;

import dev.knotless.events.EventPayload.RomReading;
import dev.knotless.events.Vocabulary.Joint;
import dev.knotless.events.Vocabulary.Movement;
import dev.knotless.events.Vocabulary.Side;
import dev.knotless.platform.validation.PlausibleRangeOfMotion;
import dev.knotless.platform.validation.RangeOfMotionReading;
import jakarta.validation.constraints.NotNull;

/**
 * One goniometer reading in an intake or re-assessment body. The joint and movement must be a
 * measured pair and the degrees lie between 0 and what the joint allows.
 */
@PlausibleRangeOfMotion
public record RomReadingInput(
        @NotNull Joint joint,
        @NotNull Movement movement,
        @NotNull Side side,
        @NotNull Integer degrees) implements RangeOfMotionReading {

    /** As the events carry it; assessments have no PRE/POST phase. */
    public RomReading toReading() {
        return new RomReading(joint, movement, side, degrees, null);
    }
}
