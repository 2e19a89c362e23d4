package dev.knotless.intake.intake;

import dev.knotless.events.Vocabulary.NeedlingClearance;
import java.util.List;
import java.util.UUID;

/** The answer to a recorded intake: its id and the needling clearance with every finding. */
record IntakeView(UUID assessmentId, UUID patientId, NeedlingClearance needlingClearance, List<ScreeningFinding> reasons) {
}
