package dev.knotless.outcomes.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.events.Vocabulary.AdverseEventSeverity;
import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.AlertRule;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AlertRulesTest {

    private static final UUID FOLLOW_UP = UUID.fromString("00000000-0000-0000-0000-0000000000f1");
    private static final UUID SESSION = UUID.fromString("00000000-0000-0000-0000-0000000000a1");

    private final AlertRules rules = new AlertRules(AlertRules.Thresholds.DEFAULT);

    private List<AlertRule> fired(Checkpoint checkpoint, int soreness, AdverseEventSeverity severity, Integer h24Soreness) {
        return rules.onSurveyAnswered(FOLLOW_UP, checkpoint, soreness, severity, h24Soreness).stream().map(AlertRules.Decision::rule).toList();
    }

    @Test
    void aQuietAnswerRaisesNothing() {
        assertThat(fired(Checkpoint.H24, 3, AdverseEventSeverity.NONE, null)).isEmpty();
    }

    @Test
    void aSignificantAdverseEventIsHighButAMinorOneIsNot() {
        var decisions = rules.onSurveyAnswered(FOLLOW_UP, Checkpoint.H24, 0, AdverseEventSeverity.SIGNIFICANT, null);
        assertThat(decisions).containsExactly(new AlertRules.Decision(AlertRules.alertIdOf(FOLLOW_UP, AlertRule.SIGNIFICANT_ADVERSE_EVENT),
                AlertRule.SIGNIFICANT_ADVERSE_EVENT, AlertLevel.HIGH));
        assertThat(fired(Checkpoint.H24, 0, AdverseEventSeverity.MINOR, null)).isEmpty();
    }

    @Test
    void sorenessSevenIsHighAtAnyCheckpointButSixIsNot() {
        assertThat(fired(Checkpoint.H24, 6, AdverseEventSeverity.NONE, null)).isEmpty();
        assertThat(fired(Checkpoint.H24, 7, AdverseEventSeverity.NONE, null)).containsExactly(AlertRule.HIGH_SORENESS);
        assertThat(fired(Checkpoint.H48, 7, AdverseEventSeverity.NONE, null)).containsExactly(AlertRule.HIGH_SORENESS);
        assertThat(rules.onSurveyAnswered(FOLLOW_UP, Checkpoint.H24, 10, AdverseEventSeverity.NONE, null))
                .extracting(AlertRules.Decision::level).containsExactly(AlertLevel.HIGH);
    }

    @Test
    void sorenessAtH48NotLowerThanAtH24IsMediumFromFourUp() {
        assertThat(rules.onSurveyAnswered(FOLLOW_UP, Checkpoint.H48, 4, AdverseEventSeverity.NONE, 4))
                .containsExactly(new AlertRules.Decision(AlertRules.alertIdOf(FOLLOW_UP, AlertRule.SORENESS_NOT_SUBSIDING),
                        AlertRule.SORENESS_NOT_SUBSIDING, AlertLevel.MEDIUM));
        assertThat(fired(Checkpoint.H48, 5, AdverseEventSeverity.NONE, 4)).containsExactly(AlertRule.SORENESS_NOT_SUBSIDING);
    }

    @Test
    void sorenessThatSubsidesOrStaysBelowFourIsNotAnAlert() {
        assertThat(fired(Checkpoint.H48, 4, AdverseEventSeverity.NONE, 5)).isEmpty();
        assertThat(fired(Checkpoint.H48, 3, AdverseEventSeverity.NONE, 3)).isEmpty();
        assertThat(fired(Checkpoint.H48, 3, AdverseEventSeverity.NONE, 1)).isEmpty();
    }

    @Test
    void notSubsidingNeedsAnAnsweredH24AndAppliesOnlyAtH48() {
        assertThat(fired(Checkpoint.H48, 6, AdverseEventSeverity.NONE, null)).isEmpty();
        assertThat(fired(Checkpoint.H24, 6, AdverseEventSeverity.NONE, 6)).isEmpty();
    }

    @Test
    void oneAnswerCanRaiseSeveralAlertsEachWithItsOwnId() {
        var decisions = rules.onSurveyAnswered(FOLLOW_UP, Checkpoint.H48, 8, AdverseEventSeverity.SIGNIFICANT, 7);
        assertThat(decisions).extracting(AlertRules.Decision::rule)
                .containsExactly(AlertRule.SIGNIFICANT_ADVERSE_EVENT, AlertRule.HIGH_SORENESS, AlertRule.SORENESS_NOT_SUBSIDING);
        assertThat(decisions).extracting(AlertRules.Decision::alertId).doesNotHaveDuplicates();
    }

    @Test
    void bothFollowUpsMissedIsLowAndAnythingElseIsNot() {
        assertThat(rules.onFollowUpStatuses(SESSION, FollowUpStatus.MISSED, FollowUpStatus.MISSED)).contains(
                new AlertRules.Decision(AlertRules.alertIdOf(SESSION, AlertRule.FOLLOW_UPS_MISSED), AlertRule.FOLLOW_UPS_MISSED, AlertLevel.LOW));
        assertThat(rules.onFollowUpStatuses(SESSION, FollowUpStatus.COMPLETED, FollowUpStatus.MISSED)).isEmpty();
        assertThat(rules.onFollowUpStatuses(SESSION, FollowUpStatus.MISSED, FollowUpStatus.OPEN)).isEmpty();
    }

    @Test
    void alertIdsAreTheSameForTheSameSubjectAndRule() {
        assertThat(AlertRules.alertIdOf(FOLLOW_UP, AlertRule.HIGH_SORENESS)).isEqualTo(AlertRules.alertIdOf(FOLLOW_UP, AlertRule.HIGH_SORENESS))
                .isNotEqualTo(AlertRules.alertIdOf(FOLLOW_UP, AlertRule.SIGNIFICANT_ADVERSE_EVENT))
                .isNotEqualTo(AlertRules.alertIdOf(SESSION, AlertRule.HIGH_SORENESS));
    }

    @Test
    void thresholdsAndLevelsAreConfigurable() {
        var strict = new AlertRules(new AlertRules.Thresholds(5, 3, Map.of(AlertRule.HIGH_SORENESS, AlertLevel.MEDIUM)));
        assertThat(strict.onSurveyAnswered(FOLLOW_UP, Checkpoint.H24, 5, AdverseEventSeverity.NONE, null))
                .extracting(AlertRules.Decision::rule, AlertRules.Decision::level)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(AlertRule.HIGH_SORENESS, AlertLevel.MEDIUM));
        assertThat(strict.onSurveyAnswered(FOLLOW_UP, Checkpoint.H48, 3, AdverseEventSeverity.NONE, 3))
                .extracting(AlertRules.Decision::level).containsExactly(AlertLevel.MEDIUM);
        assertThat(strict.onSurveyAnswered(FOLLOW_UP, Checkpoint.H24, 0, AdverseEventSeverity.SIGNIFICANT, null))
                .extracting(AlertRules.Decision::level).containsExactly(AlertLevel.HIGH);
    }
}
