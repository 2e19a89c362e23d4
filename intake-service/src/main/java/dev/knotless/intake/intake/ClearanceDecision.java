package dev.knotless.intake.intake;

import dev.knotless.events.Vocabulary.NeedlingClearance;
import java.util.List;

/** The needling clearance of an intake and every finding behind it (empty when CLEARED). */
public record ClearanceDecision(NeedlingClearance needlingClearance, List<ScreeningFinding> reasons) {

    public ClearanceDecision {
        reasons = List.copyOf(reasons);
    }

    public List<String> reasonNames() {
        return reasons.stream().map(Enum::name).toList();
    }
}
