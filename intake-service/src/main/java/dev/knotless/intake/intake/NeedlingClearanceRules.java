package dev.knotless.intake.intake;

import dev.knotless.events.Vocabulary.NeedlingClearance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides whether a patient may be needled from the intake screening and consent.
 * CONTRAINDICATED for no consent, a bleeding disorder, an infection or wound at the site or severe
 * needle phobia; PRECAUTION for pregnancy, anticoagulants or an immunocompromised patient;
 * otherwise CLEARED. The most restrictive finding decides; {@code reasons} names every finding,
 * contraindications first. Plain Java: no Spring, no I/O.
 */
public final class NeedlingClearanceRules {

    private static final Comparator<ScreeningFinding> CONTRAINDICATIONS_FIRST =
            Comparator.comparing(ScreeningFinding::clearance, Comparator.reverseOrder())
                    .thenComparing(Comparator.naturalOrder());

    public ClearanceDecision decide(ScreeningAnswers answers, boolean consent) {
        List<ScreeningFinding> findings = new ArrayList<>();
        if (!consent) {
            findings.add(ScreeningFinding.NO_CONSENT);
        }
        if (answers.bleedingDisorder()) {
            findings.add(ScreeningFinding.BLEEDING_DISORDER);
        }
        if (answers.infectionOrWoundAtSite()) {
            findings.add(ScreeningFinding.INFECTION_OR_WOUND_AT_SITE);
        }
        if (answers.severeNeedlePhobia()) {
            findings.add(ScreeningFinding.SEVERE_NEEDLE_PHOBIA);
        }
        if (answers.pregnant()) {
            findings.add(ScreeningFinding.PREGNANT);
        }
        if (answers.anticoagulants()) {
            findings.add(ScreeningFinding.ANTICOAGULANTS);
        }
        if (answers.immunocompromised()) {
            findings.add(ScreeningFinding.IMMUNOCOMPROMISED);
        }
        findings.sort(CONTRAINDICATIONS_FIRST);
        // NeedlingClearance is ordered from least to most restrictive.
        NeedlingClearance clearance = findings.stream()
                .map(ScreeningFinding::clearance)
                .max(Comparator.naturalOrder())
                .orElse(NeedlingClearance.CLEARED);
        return new ClearanceDecision(clearance, findings);
    }
}
