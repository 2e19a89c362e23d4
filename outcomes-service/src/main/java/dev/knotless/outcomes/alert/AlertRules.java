package dev.knotless.outcomes.alert;

import dev.knotless.events.Vocabulary.AdverseEventSeverity;
import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.AlertRule;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * When a follow-up answer, or the silence of both follow-ups of a session, calls for the
 * therapist's attention. Plain rules: no Spring, no I/O. Alert ids are derived from what the
 * alert is about and the rule, so a retried write raises the same alert, never a second one.
 */
public final class AlertRules {

    /** The levels of the design brief; each one can be overridden. */
    public static final Map<AlertRule, AlertLevel> DEFAULT_LEVELS = Map.of(
            AlertRule.SIGNIFICANT_ADVERSE_EVENT, AlertLevel.HIGH,
            AlertRule.HIGH_SORENESS, AlertLevel.HIGH,
            AlertRule.SORENESS_NOT_SUBSIDING, AlertLevel.MEDIUM,
            AlertRule.FOLLOW_UPS_MISSED, AlertLevel.LOW);

    /**
     * @param highSoreness soreness at or above this at any checkpoint raises HIGH_SORENESS
     * @param notSubsidingSoreness at H48, soreness at or above this and not lower than at H24 raises SORENESS_NOT_SUBSIDING
     * @param levels the level of each rule
     */
    public record Thresholds(int highSoreness, int notSubsidingSoreness, Map<AlertRule, AlertLevel> levels) {

        public static final Thresholds DEFAULT = new Thresholds(7, 4, DEFAULT_LEVELS);

        public Thresholds {
            var merged = new EnumMap<AlertRule, AlertLevel>(DEFAULT_LEVELS);
            if (levels != null) {
                merged.putAll(levels);
            }
            levels = Map.copyOf(merged);
        }
    }

    /** An alert to raise: its deterministic id, the rule that fired and its level. */
    public record Decision(UUID alertId, AlertRule rule, AlertLevel level) {
    }

    private final Thresholds thresholds;

    public AlertRules(Thresholds thresholds) {
        this.thresholds = Objects.requireNonNull(thresholds);
    }

    /**
     * The alerts a submitted survey raises.
     *
     * @param h24Soreness this session's H24 soreness, or null when H24 was not answered (or this is H24)
     */
    public List<Decision> onSurveyAnswered(UUID followUpId, Checkpoint checkpoint, int soreness,
                                           AdverseEventSeverity adverseEventSeverity, Integer h24Soreness) {
        List<Decision> decisions = new ArrayList<>();
        if (adverseEventSeverity == AdverseEventSeverity.SIGNIFICANT) {
            decisions.add(decide(followUpId, AlertRule.SIGNIFICANT_ADVERSE_EVENT));
        }
        if (soreness >= thresholds.highSoreness()) {
            decisions.add(decide(followUpId, AlertRule.HIGH_SORENESS));
        }
        if (checkpoint == Checkpoint.H48 && h24Soreness != null
                && soreness >= thresholds.notSubsidingSoreness() && soreness >= h24Soreness) {
            decisions.add(decide(followUpId, AlertRule.SORENESS_NOT_SUBSIDING));
        }
        return decisions;
    }

    /** FOLLOW_UPS_MISSED when both follow-ups of the session are missed. */
    public Optional<Decision> onFollowUpStatuses(UUID sessionId, FollowUpStatus h24, FollowUpStatus h48) {
        if (h24 == FollowUpStatus.MISSED && h48 == FollowUpStatus.MISSED) {
            return Optional.of(decide(sessionId, AlertRule.FOLLOW_UPS_MISSED));
        }
        return Optional.empty();
    }

    private Decision decide(UUID subjectId, AlertRule rule) {
        return new Decision(alertIdOf(subjectId, rule), rule, thresholds.levels().get(rule));
    }

    /** The id of the alert a rule raises about a follow-up (or, for FOLLOW_UPS_MISSED, a session). */
    public static UUID alertIdOf(UUID subjectId, AlertRule rule) {
        return UUID.nameUUIDFromBytes(("alert:" + subjectId + ":" + rule).getBytes(StandardCharsets.UTF_8));
    }
}
