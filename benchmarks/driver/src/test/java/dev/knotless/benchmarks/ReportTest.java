package dev.knotless.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.benchmarks.Report.Better;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    @Test
    void aFigurePassesOnTheRightSideOfItsTarget() {
        assertThat(new Report.Figure("large", "timeline-p99", "timeline p99", 9, "ms", 10.0, Better.LOWER, true, null).pass()).isTrue();
        assertThat(new Report.Figure("large", "timeline-p99", "timeline p99", 11, "ms", 10.0, Better.LOWER, true, null).pass()).isFalse();
        assertThat(new Report.Figure("large", "surveys-rate", "surveys", 999, "/s", 1000.0, Better.HIGHER, true, null).pass()).isFalse();
        assertThat(new Report.Figure("large", "replay", "replay", Double.NaN, "events/s", 20_000.0, Better.HIGHER, true, null).pass()).isFalse();
        assertThat(new Report.Figure("large", "registrations-p99", "registrations", 40, "ms", null, Better.LOWER, true, null).pass()).isNull();
    }

    @Test
    void theLargeSizeMustBeWithinTwentyPercentOfTheSmallOne(@TempDir Path out) throws Exception {
        Report report = new Report();
        report.add("small", "timeline-p99", "timeline p99", 5, "ms", 10.0, Better.LOWER, true);
        report.add("large", "timeline-p99", "timeline p99", 6, "ms", 10.0, Better.LOWER, true);
        report.add("small", "sessions-rate", "sessions", 500, "/s", 500.0, Better.HIGHER, true);
        report.add("large", "sessions-rate", "sessions", 390, "/s", 500.0, Better.HIGHER, true);
        report.add("small", "startup", "start-up", 20, "s", 30.0, Better.LOWER, false);
        report.add("large", "startup", "start-up", 40, "s", 30.0, Better.LOWER, false);

        assertThat(report.comparisons()).extracting(Report.Comparison::key, Report.Comparison::pass)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("timeline-p99", true), org.assertj.core.groups.Tuple.tuple("sessions-rate", false));

        report.write(out);
        assertThat(Files.readString(out.resolve("report.md"))).contains("| sessions | ≥ 500 /s | 500 /s ✓ | **390 /s ✗** |");
        assertThat(Http.JSON.readTree(Files.readString(out.resolve("report.json"))).path("figures")).hasSize(6);
    }
}
