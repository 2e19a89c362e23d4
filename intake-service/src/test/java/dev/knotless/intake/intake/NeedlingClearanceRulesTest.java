package dev.knotless.intake.intake;

import static dev.knotless.events.Vocabulary.NeedlingClearance.CLEARED;
import static dev.knotless.events.Vocabulary.NeedlingClearance.CONTRAINDICATED;
import static dev.knotless.events.Vocabulary.NeedlingClearance.PRECAUTION;
import static dev.knotless.intake.intake.ScreeningFinding.ANTICOAGULANTS;
import static dev.knotless.intake.intake.ScreeningFinding.BLEEDING_DISORDER;
import static dev.knotless.intake.intake.ScreeningFinding.IMMUNOCOMPROMISED;
import static dev.knotless.intake.intake.ScreeningFinding.INFECTION_OR_WOUND_AT_SITE;
import static dev.knotless.intake.intake.ScreeningFinding.NO_CONSENT;
import static dev.knotless.intake.intake.ScreeningFinding.PREGNANT;
import static dev.knotless.intake.intake.ScreeningFinding.SEVERE_NEEDLE_PHOBIA;
import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.events.Vocabulary.NeedlingClearance;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NeedlingClearanceRulesTest {

    private final NeedlingClearanceRules rules = new NeedlingClearanceRules();

    @Test
    void noFindingAndConsentIsClearedWithoutReasons() {
        ClearanceDecision decision = rules.decide(ScreeningAnswers.none(), true);

        assertThat(decision.needlingClearance()).isEqualTo(CLEARED);
        assertThat(decision.reasons()).isEmpty();
    }

    @Test
    void noConsentAloneIsContraindicated() {
        ClearanceDecision decision = rules.decide(ScreeningAnswers.none(), false);

        assertThat(decision.needlingClearance()).isEqualTo(CONTRAINDICATED);
        assertThat(decision.reasons()).containsExactly(NO_CONSENT);
    }

    static Stream<Arguments> eachAnswerAlone() {
        return Stream.of(
                Arguments.of(new ScreeningAnswers(false, true, false, false, false, false), CONTRAINDICATED, BLEEDING_DISORDER),
                Arguments.of(new ScreeningAnswers(false, false, false, true, false, false), CONTRAINDICATED, INFECTION_OR_WOUND_AT_SITE),
                Arguments.of(new ScreeningAnswers(false, false, false, false, true, false), CONTRAINDICATED, SEVERE_NEEDLE_PHOBIA),
                Arguments.of(new ScreeningAnswers(true, false, false, false, false, false), PRECAUTION, PREGNANT),
                Arguments.of(new ScreeningAnswers(false, false, true, false, false, false), PRECAUTION, ANTICOAGULANTS),
                Arguments.of(new ScreeningAnswers(false, false, false, false, false, true), PRECAUTION, IMMUNOCOMPROMISED));
    }

    @ParameterizedTest(name = "{2} alone -> {1}")
    @MethodSource("eachAnswerAlone")
    void eachYesAnswerAloneLeadsToItsClearanceAndIsTheOnlyReason(ScreeningAnswers answers, NeedlingClearance expected,
                                                                 ScreeningFinding finding) {
        ClearanceDecision decision = rules.decide(answers, true);

        assertThat(decision.needlingClearance()).isEqualTo(expected);
        assertThat(decision.reasons()).containsExactly(finding);
        assertThat(finding.clearance()).isEqualTo(expected);
    }

    @Test
    void aContraindicationBeatsAPrecaution() {
        var answers = new ScreeningAnswers(true, true, false, false, false, false);

        ClearanceDecision decision = rules.decide(answers, true);

        assertThat(decision.needlingClearance()).isEqualTo(CONTRAINDICATED);
        assertThat(decision.reasons()).containsExactly(BLEEDING_DISORDER, PREGNANT);
    }

    @Test
    void severalPrecautionsStayAPrecautionAndAreAllNamed() {
        var answers = new ScreeningAnswers(true, false, true, false, false, true);

        ClearanceDecision decision = rules.decide(answers, true);

        assertThat(decision.needlingClearance()).isEqualTo(PRECAUTION);
        assertThat(decision.reasons()).containsExactly(PREGNANT, ANTICOAGULANTS, IMMUNOCOMPROMISED);
    }

    @Test
    void everyFindingIsNamedWithContraindicationsFirst() {
        var answers = new ScreeningAnswers(true, true, true, true, true, true);

        ClearanceDecision decision = rules.decide(answers, false);

        assertThat(decision.needlingClearance()).isEqualTo(CONTRAINDICATED);
        assertThat(decision.reasons()).containsExactly(NO_CONSENT, BLEEDING_DISORDER, INFECTION_OR_WOUND_AT_SITE,
                SEVERE_NEEDLE_PHOBIA, PREGNANT, ANTICOAGULANTS, IMMUNOCOMPROMISED);
        assertThat(decision.reasonNames()).containsExactly("NO_CONSENT", "BLEEDING_DISORDER", "INFECTION_OR_WOUND_AT_SITE",
                "SEVERE_NEEDLE_PHOBIA", "PREGNANT", "ANTICOAGULANTS", "IMMUNOCOMPROMISED");
    }

    @Test
    void noConsentWithAPrecautionIsContraindicatedAndNamesBoth() {
        var answers = new ScreeningAnswers(false, false, true, false, false, false);

        ClearanceDecision decision = rules.decide(answers, false);

        assertThat(decision.needlingClearance()).isEqualTo(CONTRAINDICATED);
        assertThat(decision.reasons()).containsExactly(NO_CONSENT, ANTICOAGULANTS);
    }

    @Test
    void contraindicationsAreListedBeforePrecautionsWhateverTheAnswerOrder() {
        var answers = new ScreeningAnswers(true, false, true, false, true, false);

        ClearanceDecision decision = rules.decide(answers, true);

        assertThat(decision.reasons()).containsExactly(SEVERE_NEEDLE_PHOBIA, PREGNANT, ANTICOAGULANTS);
    }

    @Test
    void everyFindingMapsToARestrictingClearance() {
        for (ScreeningFinding finding : ScreeningFinding.values()) {
            assertThat(finding.clearance()).isNotEqualTo(CLEARED);
        }
    }
}
