package dev.knotless.intake.assessment;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.knotless.events.EventPayload.RomReading;
import dev.knotless.events.Vocabulary.NeedlingClearance;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An intake or re-assessment as the API shows it. {@code complaints}, {@code needlingClearance}
 * and {@code reasons} belong to an intake and are left out of re-assessments.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record AssessmentView(
        UUID assessmentId,
        UUID patientId,
        Kind kind,
        Instant assessedAt,
        String therapistId,
        int painNprs,
        List<RomReading> rom,
        List<ComplaintRecord> complaints,
        NeedlingClearance needlingClearance,
        List<String> reasons,
        Instant recordedAt) {
}
