package dev.knotless.intake.intake;

import dev.knotless.intake.assessment.ComplaintRecord;
import dev.knotless.events.Vocabulary.BodyRegion;
import dev.knotless.events.Vocabulary.Side;
import dev.knotless.intake.assessment.RomReadingInput;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import dev.knotless.platform.validation.PlausibleClinicalTime;
import jakarta.validation.constraints.PastOrPresent;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/**
 * The body of {@code POST /api/patients/{patientId}/intake} (DESIGN.md, "Intake body", without
 * {@code therapistId}: the therapist is the token's subject, and a body still sending one is a 400
 * naming it). Boxed types so that a missing value is named: an unanswered screening question is not
 * a "no". {@code rom} may be left out or empty.
 */
record IntakeRequest(
        @NotNull @PastOrPresent @PlausibleClinicalTime Instant assessedAt,
        @NotEmpty @Size(max = 20) List<@NotNull @Valid ComplaintInput> complaints,
        @NotNull @Min(0) @Max(10) Integer painNprs,
        @NotNull @Valid Screening screening,
        @NotNull Boolean consent,
        @Size(max = 100) List<@NotNull @Valid RomReadingInput> rom) {

    IntakeRequest {
        rom = rom == null ? List.of() : rom;
    }

    record ComplaintInput(
            @NotNull BodyRegion bodyRegion,
            @NotNull Side side,
            @Size(max = 500) String description) {

        ComplaintRecord toRecord() {
            return new ComplaintRecord(bodyRegion, side, description);
        }
    }

    record Screening(
            @NotNull Boolean pregnant,
            @NotNull Boolean bleedingDisorder,
            @NotNull Boolean anticoagulants,
            @NotNull Boolean infectionOrWoundAtSite,
            @NotNull Boolean severeNeedlePhobia,
            @NotNull Boolean immunocompromised) {

        /** Call after validation: every answer is present. */
        ScreeningAnswers toAnswers() {
            return new ScreeningAnswers(pregnant, bleedingDisorder, anticoagulants, infectionOrWoundAtSite,
                    severeNeedlePhobia, immunocompromised);
        }
    }
}
