package dev.knotless.intake.assessment;

import dev.knotless.events.Vocabulary.AssessmentKind;
import java.util.UUID;

/** The answer to a recorded re-assessment. */
record ReassessmentCreated(UUID assessmentId, UUID patientId, AssessmentKind kind) {
}
