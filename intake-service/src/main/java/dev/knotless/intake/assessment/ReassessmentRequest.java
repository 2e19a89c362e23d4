package dev.knotless.intake.assessment;

import dev.knotless.events.Vocabulary.AssessmentKind;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import dev.knotless.platform.validation.PlausibleClinicalTime;
import jakarta.validation.constraints.PastOrPresent;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/**
 * The body of {@code POST /api/patients/{patientId}/assessments}; {@code rom} may be left out or empty.
 * No {@code therapistId}: the assessing therapist is the token's subject (a body still sending one
 * is a 400 naming it, as any unknown field).
 */
record ReassessmentRequest(
        @NotNull @PastOrPresent @PlausibleClinicalTime Instant assessedAt,
        @NotNull AssessmentKind kind,
        @NotNull @Min(0) @Max(10) Integer painNprs,
        @Size(max = 100) List<@NotNull @Valid RomReadingInput> rom) {

    ReassessmentRequest {
        rom = rom == null ? List.of() : rom;
    }
}
