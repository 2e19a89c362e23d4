package dev.knotless.intake.assessment;

import dev.knotless.events.Vocabulary.AssessmentKind;

/** What a stored assessment is: the intake, or a re-assessment of one of the kinds of the contract. */
enum Kind {
    INTAKE, PROGRESS, DISCHARGE;

    static Kind of(AssessmentKind kind) {
        return switch (kind) {
            case PROGRESS -> PROGRESS;
            case DISCHARGE -> DISCHARGE;
        };
    }
}
