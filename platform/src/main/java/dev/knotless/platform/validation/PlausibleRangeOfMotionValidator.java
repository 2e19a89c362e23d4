package dev.knotless.platform.validation;

import dev.knotless.events.RangeOfMotionNorms;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

public class PlausibleRangeOfMotionValidator implements ConstraintValidator<PlausibleRangeOfMotion, RangeOfMotionReading> {

    @Override
    public boolean isValid(RangeOfMotionReading reading, ConstraintValidatorContext context) {
        if (reading == null || reading.joint() == null || reading.movement() == null || reading.degrees() == null) {
            return true; // @NotNull on the fields reports what is missing
        }
        String problem = RangeOfMotionNorms.problemWith(reading.joint(), reading.movement(), reading.degrees());
        if (problem == null) {
            return true;
        }
        boolean unknownPair = RangeOfMotionNorms.of(reading.joint(), reading.movement()).isEmpty();
        context.disableDefaultConstraintViolation();
        context.buildConstraintViolationWithTemplate(problem.replace("{", "\\{"))
                .addPropertyNode(unknownPair ? "movement" : "degrees")
                .addConstraintViolation();
        return false;
    }
}
