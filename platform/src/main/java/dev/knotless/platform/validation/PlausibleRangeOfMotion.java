package dev.knotless.platform.validation;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a {@link RangeOfMotionReading} record: the joint and movement form a measured pair and the
 * degrees lie between 0 and what that joint allows (see RangeOfMotionNorms). Reported on the
 * {@code degrees} field, or on {@code movement} for a pair that does not exist.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = PlausibleRangeOfMotionValidator.class)
public @interface PlausibleRangeOfMotion {
    String message() default "is not a plausible range of motion";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
