package dev.knotless.session.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The freshness rule on offset snapshots and a clock moved by hand; no broker, no Spring. */
class ReadModelWatermarkTest {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final TopicPartition INTAKE_0 = new TopicPartition("knotless.intake.v1", 0);
    private static final TopicPartition INTAKE_1 = new TopicPartition("knotless.intake.v1", 1);
    private static final TopicPartition OUTCOME_0 = new TopicPartition("knotless.outcome.v1", 0);

    private final MutableClock clock = MutableClock.startingAt("2026-11-20T15:00:00Z");
    private final ReadModelWatermark watermark = new ReadModelWatermark();

    @Test
    void neverCheckedSinceStartIsNotCurrent() {
        assertThat(freshness()).isEqualTo(new SafetyDataFreshness.NeverConfirmed(LIMIT));
        assertThat(watermark.currentAsOf()).isEmpty();
    }

    @Test
    void aConsumerThatHasReadEverythingIsCurrentAsOfTheCheck() {
        Instant checkedAt = clock.instant();
        watermark.observe(checkedAt, Map.of(INTAKE_0, 12L, OUTCOME_0, 4L), Map.of(INTAKE_0, 12L, OUTCOME_0, 4L));
        clock.advance(Duration.ofSeconds(1));

        assertThat(watermark.currentAsOf()).contains(checkedAt);
        assertThat(freshness()).isEqualTo(new SafetyDataFreshness.Current(Duration.ofSeconds(1)));
    }

    @Test
    void aConsumerBehindIsCurrentAsOfTheLatestCheckItHasCaughtUpWith() {
        Instant first = clock.instant();
        watermark.observe(first, Map.of(INTAKE_0, 10L, OUTCOME_0, 5L), Map.of(INTAKE_0, 8L, OUTCOME_0, 5L));
        assertThat(freshness()).as("behind the only check").isInstanceOf(SafetyDataFreshness.NeverConfirmed.class);

        clock.advance(Duration.ofSeconds(2));
        Instant second = clock.instant();
        watermark.observe(second, Map.of(INTAKE_0, 14L, OUTCOME_0, 5L), Map.of(INTAKE_0, 10L, OUTCOME_0, 5L));
        assertThat(watermark.currentAsOf()).as("past the first check's end offsets, not the second's").contains(first);

        clock.advance(Duration.ofSeconds(2));
        Instant third = clock.instant();
        watermark.observe(third, Map.of(INTAKE_0, 15L, OUTCOME_0, 6L), Map.of(INTAKE_0, 15L, OUTCOME_0, 6L));
        assertThat(watermark.currentAsOf()).as("caught up").contains(third);
        assertThat(freshness()).isEqualTo(new SafetyDataFreshness.Current(Duration.ZERO));
    }

    @Test
    void aConsumerThatStopsReadingWhileEventsArriveGoesStale() {
        Instant caughtUp = clock.instant();
        watermark.observe(caughtUp, Map.of(INTAKE_0, 3L), Map.of(INTAKE_0, 3L));
        for (int check = 1; check <= 16; check++) {
            clock.advance(Duration.ofSeconds(2));
            watermark.observe(clock.instant(), Map.of(INTAKE_0, 3L + check), Map.of(INTAKE_0, 3L));
        }

        assertThat(freshness()).isEqualTo(new SafetyDataFreshness.Stale(Duration.ofSeconds(32), LIMIT));
    }

    @Test
    void aBrokerOutOfReachForThirtyOneSecondsMakesTheDataStale() {
        Instant lastSuccess = clock.instant();
        watermark.observe(lastSuccess, Map.of(INTAKE_0, 3L), Map.of(INTAKE_0, 3L));

        // Failed checks observe nothing.
        clock.advance(Duration.ofSeconds(30));
        assertThat(freshness()).as("at the limit").isEqualTo(new SafetyDataFreshness.Current(Duration.ofSeconds(30)));
        clock.advance(Duration.ofSeconds(1));
        assertThat(freshness()).isEqualTo(new SafetyDataFreshness.Stale(Duration.ofSeconds(31), LIMIT));

        clock.advance(Duration.ofSeconds(1));
        watermark.observe(clock.instant(), Map.of(INTAKE_0, 3L), Map.of(INTAKE_0, 3L));
        assertThat(freshness()).as("the broker is back and nothing was missed").isEqualTo(new SafetyDataFreshness.Current(Duration.ZERO));
    }

    @Test
    void aPartitionWithoutCommittedOffsetCountsAsReadFromTheStart() {
        watermark.observe(clock.instant(), Map.of(INTAKE_0, 4L, INTAKE_1, 2L), Map.of(INTAKE_0, 4L));
        assertThat(watermark.currentAsOf()).as("INTAKE_1 holds 2 records nobody has read").isEmpty();

        clock.advance(Duration.ofSeconds(2));
        Instant checkedAt = clock.instant();
        watermark.observe(checkedAt, Map.of(INTAKE_0, 4L, INTAKE_1, 0L), Map.of(INTAKE_0, 4L));
        assertThat(watermark.currentAsOf()).as("an empty partition needs no commit").contains(checkedAt);
    }

    @Test
    void emptyTopicsAreCurrentWithoutAnyCommit() {
        Instant checkedAt = clock.instant();
        watermark.observe(checkedAt, Map.of(INTAKE_0, 0L, INTAKE_1, 0L, OUTCOME_0, 0L), Map.of());

        assertThat(watermark.currentAsOf()).contains(checkedAt);
    }

    @Test
    void theAnswerNeverMovesBackWhenCommittedOffsetsDo() {
        Instant caughtUp = clock.instant();
        watermark.observe(caughtUp, Map.of(INTAKE_0, 5L), Map.of(INTAKE_0, 5L));
        clock.advance(Duration.ofSeconds(2));
        // An operator rewinds the group to replay: the copy already holds what it read.
        watermark.observe(clock.instant(), Map.of(INTAKE_0, 5L), Map.of(INTAKE_0, 0L));

        assertThat(watermark.currentAsOf()).contains(caughtUp);
    }

    @Test
    void forgettingOldChecksOnlyMakesTheAnswerOlder() {
        Instant first = clock.instant();
        watermark.observe(first, Map.of(INTAKE_0, 1L), Map.of());
        for (int check = 0; check < ReadModelWatermark.MAX_PENDING_CHECKS; check++) {
            clock.advance(Duration.ofSeconds(2));
            watermark.observe(clock.instant(), Map.of(INTAKE_0, 2L), Map.of());
        }
        clock.advance(Duration.ofSeconds(2));
        watermark.observe(clock.instant(), Map.of(INTAKE_0, 3L), Map.of(INTAKE_0, 1L));

        assertThat(watermark.currentAsOf()).as("the first check, the only one reached, was forgotten").isEmpty();
    }

    private SafetyDataFreshness freshness() {
        return watermark.freshnessAt(clock.instant(), LIMIT);
    }
}
