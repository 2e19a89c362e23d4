package dev.knotless.events;

import dev.knotless.events.Vocabulary.Joint;
import dev.knotless.events.Vocabulary.Movement;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Normative active range of motion in degrees (adult averages as published by the AAOS and used in
 * Norkin and White's goniometry tables) and the largest reading Knotless accepts for each joint and
 * movement. A joint-movement pair not listed here is not a valid measurement.
 */
public final class RangeOfMotionNorms {

    /** Normal value and the physiological ceiling above which a reading is a typing error. */
    public record Norm(int normalDegrees, int maximumDegrees) {
    }

    private static final Map<Joint, Map<Movement, Norm>> NORMS = new EnumMap<>(Joint.class);

    static {
        put(Joint.CERVICAL_SPINE, Movement.FLEXION, 45, 90);
        put(Joint.CERVICAL_SPINE, Movement.EXTENSION, 45, 100);
        put(Joint.CERVICAL_SPINE, Movement.LATERAL_FLEXION, 45, 70);
        put(Joint.CERVICAL_SPINE, Movement.ROTATION, 60, 100);
        put(Joint.THORACOLUMBAR_SPINE, Movement.FLEXION, 80, 120);
        put(Joint.THORACOLUMBAR_SPINE, Movement.EXTENSION, 25, 60);
        put(Joint.THORACOLUMBAR_SPINE, Movement.LATERAL_FLEXION, 35, 60);
        put(Joint.THORACOLUMBAR_SPINE, Movement.ROTATION, 45, 70);
        put(Joint.SHOULDER, Movement.FLEXION, 180, 190);
        put(Joint.SHOULDER, Movement.EXTENSION, 60, 90);
        put(Joint.SHOULDER, Movement.ABDUCTION, 180, 190);
        put(Joint.SHOULDER, Movement.ADDUCTION, 30, 60);
        put(Joint.SHOULDER, Movement.INTERNAL_ROTATION, 70, 100);
        put(Joint.SHOULDER, Movement.EXTERNAL_ROTATION, 90, 120);
        put(Joint.ELBOW, Movement.FLEXION, 150, 165);
        put(Joint.FOREARM, Movement.PRONATION, 80, 100);
        put(Joint.FOREARM, Movement.SUPINATION, 80, 100);
        put(Joint.WRIST, Movement.FLEXION, 80, 100);
        put(Joint.WRIST, Movement.EXTENSION, 70, 95);
        put(Joint.WRIST, Movement.RADIAL_DEVIATION, 20, 35);
        put(Joint.WRIST, Movement.ULNAR_DEVIATION, 30, 50);
        put(Joint.HIP, Movement.FLEXION, 120, 145);
        put(Joint.HIP, Movement.EXTENSION, 30, 50);
        put(Joint.HIP, Movement.ABDUCTION, 45, 80);
        put(Joint.HIP, Movement.ADDUCTION, 30, 45);
        put(Joint.HIP, Movement.INTERNAL_ROTATION, 45, 70);
        put(Joint.HIP, Movement.EXTERNAL_ROTATION, 45, 70);
        put(Joint.KNEE, Movement.FLEXION, 135, 160);
        put(Joint.ANKLE, Movement.DORSIFLEXION, 20, 40);
        put(Joint.ANKLE, Movement.PLANTARFLEXION, 50, 75);
        put(Joint.ANKLE, Movement.INVERSION, 35, 50);
        put(Joint.ANKLE, Movement.EVERSION, 15, 30);
    }

    private RangeOfMotionNorms() {
    }

    private static void put(Joint joint, Movement movement, int normal, int maximum) {
        NORMS.computeIfAbsent(joint, j -> new EnumMap<>(Movement.class)).put(movement, new Norm(normal, maximum));
    }

    public static Optional<Norm> of(Joint joint, Movement movement) {
        return Optional.ofNullable(NORMS.getOrDefault(joint, Map.of()).get(movement));
    }

    /** Degrees as a percent of the normative value, one decimal; empty for an unknown pair. */
    public static Optional<BigDecimal> percentOfNormal(Joint joint, Movement movement, int degrees) {
        return of(joint, movement).map(norm -> BigDecimal.valueOf(degrees * 100L)
                .divide(BigDecimal.valueOf(norm.normalDegrees()), 1, RoundingMode.HALF_UP));
    }

    /** Null when the reading is plausible, otherwise why it is not; for validators. */
    public static String problemWith(Joint joint, Movement movement, int degrees) {
        if (joint == null || movement == null) {
            return null; // reported as a missing field by bean validation
        }
        var norm = of(joint, movement);
        if (norm.isEmpty()) {
            return movement + " is not a measured movement of " + joint;
        }
        if (degrees < 0) {
            return "degrees must be at least 0";
        }
        if (degrees > norm.get().maximumDegrees()) {
            return joint + " " + movement + " cannot exceed " + norm.get().maximumDegrees() + " degrees";
        }
        return null;
    }
}
