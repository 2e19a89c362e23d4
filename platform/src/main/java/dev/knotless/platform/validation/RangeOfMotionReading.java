package dev.knotless.platform.validation;

import dev.knotless.events.Vocabulary.Joint;
import dev.knotless.events.Vocabulary.Movement;

/** A request record that carries one goniometer reading; see {@link PlausibleRangeOfMotion}. */
public interface RangeOfMotionReading {
    Joint joint();

    Movement movement();

    Integer degrees();
}
