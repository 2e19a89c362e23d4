package dev.knotless.outcomes.followup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.knotless.events.EventPayload;
import dev.knotless.events.Vocabulary.AdverseEventSeverity;
import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.AlertRule;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import dev.knotless.events.Vocabulary.Technique;
import dev.knotless.outcomes.alert.AlertRules;
import dev.knotless.platform.messaging.EventCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FollowUpLifecycleTest {

    private static final Instant ENDED = Instant.parse("2026-11-20T14:45:00Z");
    private static final UUID SESSION = UUID.fromString("00000000-0000-0000-0000-00000000a001");
    private static final UUID PATIENT = UUID.fromString("00000000-0000-0000-0000-00000000b001");

    private final FollowUpRepository repository = mock(FollowUpRepository.class);
    private final EventCodec codec = new EventCodec();
    private final FollowUpLifecycle lifecycle = new FollowUpLifecycle(repository, new AlertRules(AlertRules.Thresholds.DEFAULT), codec);

    private static FollowUp followUp(Checkpoint checkpoint) {
        return FollowUp.schedule(SESSION, PATIENT, "clinic-a", checkpoint, ENDED, List.of(Technique.DEEP),
                FollowUpWindow.of(checkpoint, ENDED, FollowUpWindow.Schedule.DEFAULT));
    }

    private List<EventPayload> staged(FollowUp followUp) {
        return followUp.outbox().stream().map(message -> codec.decode(message.envelope()).payload()).toList();
    }

    private static Instant after(long hours) {
        return ENDED.plus(Duration.ofHours(hours));
    }

    @Test
    void aNewFollowUpWhoseWindowIsOpenStartsOpenAndStagesFollowUpOpened() {
        var h24 = followUp(Checkpoint.H24);

        assertThat(lifecycle.advance(h24, after(30))).isTrue();

        assertThat(h24.status()).isEqualTo(FollowUpStatus.OPEN);
        assertThat(staged(h24)).containsExactly(new EventPayload.FollowUpOpened(h24.id(), SESSION, Checkpoint.H24, after(24), after(48)));
    }

    @Test
    void aNewFollowUpBeforeItsWindowIsScheduledWithoutEvents() {
        var h48 = followUp(Checkpoint.H48);

        lifecycle.advance(h48, after(30));

        assertThat(h48.status()).isEqualTo(FollowUpStatus.SCHEDULED);
        assertThat(h48.outbox()).isEmpty();
    }

    @Test
    void aScheduledFollowUpOpensAtExactlyItsOpeningTime() {
        var h24 = followUp(Checkpoint.H24);
        lifecycle.advance(h24, after(1));

        assertThat(lifecycle.advance(h24, after(24).minusMillis(1))).isFalse();
        assertThat(lifecycle.advance(h24, after(24))).isTrue();
        assertThat(h24.status()).isEqualTo(FollowUpStatus.OPEN);
        assertThat(staged(h24)).hasOnlyElementsOfType(EventPayload.FollowUpOpened.class).hasSize(1);
    }

    @Test
    void anOpenFollowUpIsMissedAtExactlyItsClosingTimeAndStagesFollowUpMissed() {
        var h24 = followUp(Checkpoint.H24);
        lifecycle.advance(h24, after(30));

        assertThat(lifecycle.advance(h24, after(48))).isTrue();

        assertThat(h24.status()).isEqualTo(FollowUpStatus.MISSED);
        assertThat(h24.closedAt()).isEqualTo(after(48));
        assertThat(staged(h24)).last().isEqualTo(new EventPayload.FollowUpMissed(h24.id(), SESSION, Checkpoint.H24, after(48)));
    }

    @Test
    void aFollowUpThatSkippedItsWholeWindowGoesStraightToMissedWithoutOpening() {
        var h24 = followUp(Checkpoint.H24);
        lifecycle.advance(h24, after(1));

        lifecycle.advance(h24, after(60));

        assertThat(staged(h24)).hasSize(1).first().isInstanceOf(EventPayload.FollowUpMissed.class);
    }

    @Test
    void h48MissedAfterAMissedH24RaisesOneLowFollowUpsMissedAlertAboutTheSession() {
        var h24 = followUp(Checkpoint.H24);
        lifecycle.advance(h24, after(100));
        when(repository.findById(h24.id().toString())).thenReturn(Optional.of(h24));
        var h48 = followUp(Checkpoint.H48);

        lifecycle.advance(h48, after(100));

        assertThat(staged(h24)).noneMatch(EventPayload.AlertRaised.class::isInstance);
        assertThat(staged(h48)).contains(new EventPayload.AlertRaised(AlertRules.alertIdOf(SESSION, AlertRule.FOLLOW_UPS_MISSED),
                AlertLevel.LOW, AlertRule.FOLLOW_UPS_MISSED, SESSION, null, null));
    }

    @Test
    void h48MissedAfterAnsweredH24RaisesNoAlert() {
        var h24 = followUp(Checkpoint.H24);
        lifecycle.advance(h24, after(30));
        h24.complete(new FollowUpAnswers(2, 2, false, false, false, AdverseEventSeverity.NONE, null, null), after(30));
        when(repository.findById(h24.id().toString())).thenReturn(Optional.of(h24));
        var h48 = followUp(Checkpoint.H48);
        lifecycle.advance(h48, after(50));

        lifecycle.advance(h48, after(72));

        assertThat(h48.status()).isEqualTo(FollowUpStatus.MISSED);
        assertThat(staged(h48)).noneMatch(EventPayload.AlertRaised.class::isInstance);
    }

    @Test
    void aMissedOrCompletedFollowUpNeverChangesAgain() {
        var h24 = followUp(Checkpoint.H24);
        lifecycle.advance(h24, after(100));
        int staged = h24.outbox().size();

        assertThat(lifecycle.advance(h24, after(200))).isFalse();
        assertThat(h24.outbox()).hasSize(staged);
    }

    @Test
    void followUpIdsAreDerivedFromSessionAndCheckpoint() {
        assertThat(FollowUp.idOf(SESSION, Checkpoint.H24)).isEqualTo(FollowUp.idOf(SESSION, Checkpoint.H24))
                .isNotEqualTo(FollowUp.idOf(SESSION, Checkpoint.H48));
        assertThat(followUp(Checkpoint.H48).id()).isEqualTo(FollowUp.idOf(SESSION, Checkpoint.H48));
    }
}
