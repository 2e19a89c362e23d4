package dev.knotless.outcomes.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertListingTest {

    private static final Instant T = Instant.parse("2026-11-30T12:00:00Z");

    private static ClinicAlerts.Entry entry(String id, int rank, long minutesAgo) {
        return new ClinicAlerts.Entry(id, rank, T.minusSeconds(60 * minutesAgo));
    }

    private final List<ClinicAlerts.Entry> entries = List.of(
            entry("low-new", 2, 1), entry("high-old", 0, 50), entry("medium", 1, 5), entry("high-new", 0, 2),
            entry("high-tie-b", 0, 10), entry("high-tie-a", 0, 10));

    @Test
    void mostUrgentLevelFirstThenNewestFirstThenById() {
        assertThat(AlertListing.page(entries, 10, 0)).isEqualTo(new AlertListing.Page(
                List.of("high-new", "high-tie-a", "high-tie-b", "high-old", "medium", "low-new"), false));
    }

    @Test
    void pagesFollowOneAnotherAndSayWhetherMoreFollow() {
        assertThat(AlertListing.page(entries, 4, 0)).isEqualTo(new AlertListing.Page(List.of("high-new", "high-tie-a", "high-tie-b", "high-old"), true));
        assertThat(AlertListing.page(entries, 4, 1)).isEqualTo(new AlertListing.Page(List.of("medium", "low-new"), false));
        assertThat(AlertListing.page(entries, 3, 1)).isEqualTo(new AlertListing.Page(List.of("high-old", "medium", "low-new"), false));
        assertThat(AlertListing.page(entries, 4, 2)).isEqualTo(new AlertListing.Page(List.of(), false));
        assertThat(AlertListing.page(entries, 500, 100_000)).isEqualTo(new AlertListing.Page(List.of(), false));
        assertThat(AlertListing.page(List.of(), 100, 0)).isEqualTo(new AlertListing.Page(List.of(), false));
    }
}
