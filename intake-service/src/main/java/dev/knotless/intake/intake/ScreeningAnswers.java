package dev.knotless.intake.intake;

/** The therapist's answers to the contraindication screening; every one is a definite yes or no. */
public record ScreeningAnswers(
        boolean pregnant,
        boolean bleedingDisorder,
        boolean anticoagulants,
        boolean infectionOrWoundAtSite,
        boolean severeNeedlePhobia,
        boolean immunocompromised) {

    /** All answers no. */
    public static ScreeningAnswers none() {
        return new ScreeningAnswers(false, false, false, false, false, false);
    }
}
