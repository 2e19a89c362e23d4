package dev.knotless.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FreshnessTest {

    private static final String TIMELINE = """
            {"entries":[{"type":"FOLLOW_UP","followUpId":"f-open","status":"OPEN"}],
             "series":{"pain":[],"soreness":{"H24":[{"sessionId":"s-1","followUpId":"f-answered","value":3,"at":"2026-12-01T00:00:00Z"}],"H48":[]}}}""";

    @Test
    void onlyASorenessPointCountsAsTheAnswerOnTheTimeline() {
        var timeline = Http.JSON.readTree(TIMELINE);
        assertThat(Freshness.hasPoint(timeline, "f-answered")).isTrue();
        assertThat(Freshness.hasPoint(timeline, "f-open")).isFalse(); // an entry for the follow-up is not its answer
    }
}
