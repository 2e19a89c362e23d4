package dev.knotless.outcomes.followup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FollowUpWindowTest {

    private static final Instant ENDED = Instant.parse("2026-11-20T14:45:00Z");
    private static final FollowUpWindow.Schedule SCHEDULE = FollowUpWindow.Schedule.DEFAULT;

    private static FollowUpStatus status(Checkpoint checkpoint, Duration afterSession) {
        return FollowUpWindow.of(checkpoint, ENDED, SCHEDULE).statusAt(ENDED.plus(afterSession), false);
    }

    @Test
    void h24OpensExactly24HoursAfterTheSessionAndNotAMillisecondBefore() {
        assertThat(status(Checkpoint.H24, Duration.ofHours(24).minusMillis(1))).isEqualTo(FollowUpStatus.SCHEDULED);
        assertThat(status(Checkpoint.H24, Duration.ofHours(24))).isEqualTo(FollowUpStatus.OPEN);
    }

    @Test
    void atExactly48HoursH24IsClosedAndH48IsOpen() {
        assertThat(status(Checkpoint.H24, Duration.ofHours(48).minusMillis(1))).isEqualTo(FollowUpStatus.OPEN);
        assertThat(status(Checkpoint.H24, Duration.ofHours(48))).isEqualTo(FollowUpStatus.MISSED);
        assertThat(status(Checkpoint.H48, Duration.ofHours(48).minusMillis(1))).isEqualTo(FollowUpStatus.SCHEDULED);
        assertThat(status(Checkpoint.H48, Duration.ofHours(48))).isEqualTo(FollowUpStatus.OPEN);
    }

    @Test
    void atExactly72HoursH48IsClosed() {
        assertThat(status(Checkpoint.H48, Duration.ofHours(72).minusMillis(1))).isEqualTo(FollowUpStatus.OPEN);
        assertThat(status(Checkpoint.H48, Duration.ofHours(72))).isEqualTo(FollowUpStatus.MISSED);
    }

    @Test
    void aSessionRecorded30HoursLateHasH24OpenAndH48Scheduled() {
        assertThat(status(Checkpoint.H24, Duration.ofHours(30))).isEqualTo(FollowUpStatus.OPEN);
        assertThat(status(Checkpoint.H48, Duration.ofHours(30))).isEqualTo(FollowUpStatus.SCHEDULED);
    }

    @Test
    void aSessionRecorded100HoursLateHasBothMissed() {
        assertThat(status(Checkpoint.H24, Duration.ofHours(100))).isEqualTo(FollowUpStatus.MISSED);
        assertThat(status(Checkpoint.H48, Duration.ofHours(100))).isEqualTo(FollowUpStatus.MISSED);
    }

    @Test
    void aCompletedFollowUpStaysCompletedAfterItsWindowCloses() {
        var window = FollowUpWindow.of(Checkpoint.H24, ENDED, SCHEDULE);
        assertThat(window.statusAt(ENDED.plus(Duration.ofDays(30)), true)).isEqualTo(FollowUpStatus.COMPLETED);
    }

    @Test
    void windowsFollowAConfiguredSchedule() {
        var schedule = new FollowUpWindow.Schedule(Duration.ofHours(12), Duration.ofHours(36), Duration.ofHours(60));
        assertThat(FollowUpWindow.of(Checkpoint.H24, ENDED, schedule))
                .isEqualTo(new FollowUpWindow(ENDED.plus(Duration.ofHours(12)), ENDED.plus(Duration.ofHours(36))));
        assertThat(FollowUpWindow.of(Checkpoint.H48, ENDED, schedule))
                .isEqualTo(new FollowUpWindow(ENDED.plus(Duration.ofHours(36)), ENDED.plus(Duration.ofHours(60))));
    }

    @Test
    void aScheduleWhoseWindowsOverlapOrRunBackwardsIsRefused() {
        assertThatThrownBy(() -> new FollowUpWindow.Schedule(Duration.ofHours(48), Duration.ofHours(24), Duration.ofHours(72)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FollowUpWindow.Schedule(Duration.ofHours(24), Duration.ofHours(48), Duration.ofHours(48)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
