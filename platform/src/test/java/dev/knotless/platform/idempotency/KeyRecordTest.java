package dev.knotless.platform.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.platform.idempotency.KeyRecord.Verdict;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a request meets when its key is already stored. */
class KeyRecordTest {

    private static final Instant CLAIMED = Instant.parse("2026-11-20T15:00:00Z");
    private static final KeyRecord RUNNING = new KeyRecord("c1", "f1", true, CLAIMED.plusSeconds(60), CLAIMED.plusSeconds(86_400));
    private static final KeyRecord ANSWERED = new KeyRecord("c1", "f1", false, null, CLAIMED.plusSeconds(86_400));

    @Test
    void anAnsweredKeyIsReplayedForTheSameRequestAndRefusedForAnother() {
        assertThat(ANSWERED.judge("f1", CLAIMED.plusSeconds(86_399))).isEqualTo(Verdict.REPLAY);
        assertThat(ANSWERED.judge("f2", CLAIMED.plusSeconds(1))).isEqualTo(Verdict.REUSED);
    }

    @Test
    void anExpiredKeyIsNewWhateverTheRequest() {
        assertThat(ANSWERED.judge("f1", CLAIMED.plusSeconds(86_400))).isEqualTo(Verdict.TAKE_OVER);
        assertThat(ANSWERED.judge("f2", CLAIMED.plusSeconds(86_400))).isEqualTo(Verdict.TAKE_OVER);
        assertThat(RUNNING.judge("f2", CLAIMED.plusSeconds(86_400))).isEqualTo(Verdict.TAKE_OVER);
    }

    @Test
    void aRunningKeyIsInProgressUntilItsLeasePassesThenTakenOver() {
        assertThat(RUNNING.judge("f1", CLAIMED.plusSeconds(59))).isEqualTo(Verdict.IN_PROGRESS);
        assertThat(RUNNING.judge("f1", CLAIMED.plusSeconds(60))).isEqualTo(Verdict.TAKE_OVER);
        assertThat(RUNNING.judge("f2", CLAIMED.plusSeconds(1))).as("another request is refused even while the first runs")
                .isEqualTo(Verdict.REUSED);
    }
}
