package dev.knotless.intake.intake;

import dev.knotless.events.Vocabulary.NeedlingClearance;

/**
 * What the contraindication screening can find, each with the clearance it leads to. Used as the
 * {@code reasons} of an intake; declared contraindications first.
 */
public enum ScreeningFinding {
    NO_CONSENT(NeedlingClearance.CONTRAINDICATED),
    BLEEDING_DISORDER(NeedlingClearance.CONTRAINDICATED),
    INFECTION_OR_WOUND_AT_SITE(NeedlingClearance.CONTRAINDICATED),
    SEVERE_NEEDLE_PHOBIA(NeedlingClearance.CONTRAINDICATED),
    PREGNANT(NeedlingClearance.PRECAUTION),
    ANTICOAGULANTS(NeedlingClearance.PRECAUTION),
    IMMUNOCOMPROMISED(NeedlingClearance.PRECAUTION);

    private final NeedlingClearance clearance;

    ScreeningFinding(NeedlingClearance clearance) {
        this.clearance = clearance;
    }

    /** The clearance this finding alone leads to. */
    public NeedlingClearance clearance() {
        return clearance;
    }
}
