package dev.knotless.outcomes.survey;

import dev.knotless.events.Vocabulary.AdverseEventSeverity;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** The patient's answers; boxed types so a missing answer is named rather than read as 0 or false. */
record SurveySubmission(
        @NotNull @Min(0) @Max(10) Integer soreness,
        @NotNull @Min(0) @Max(10) Integer pain,
        @NotNull Boolean bruising,
        @NotNull Boolean fatigue,
        @NotNull Boolean lightheaded,
        @NotNull @Valid AdverseEvent adverseEvent,
        @Size(max = 1000) String comment) {

    record AdverseEvent(@NotNull AdverseEventSeverity severity, @Size(max = 1000) String description) {
    }
}
