package dev.knotless.outcomes.alert;

import java.util.Comparator;
import java.util.List;

/**
 * Orders and pages the entries of a clinic's alert list; plain logic, no I/O. Most urgent first:
 * HIGH before MEDIUM before LOW, newest first within a level, then by id so pages are stable.
 */
final class AlertListing {

    static final Comparator<ClinicAlerts.Entry> MOST_URGENT_FIRST = Comparator
            .comparingInt(ClinicAlerts.Entry::levelRank)
            .thenComparing(ClinicAlerts.Entry::raisedAt, Comparator.reverseOrder())
            .thenComparing(ClinicAlerts.Entry::alertId);

    /** One page of ids in list order, and whether a later page has more. */
    record Page(List<String> alertIds, boolean more) {
    }

    private AlertListing() {
    }

    static Page page(List<ClinicAlerts.Entry> entries, int limit, int page) {
        long from = (long) page * limit;
        if (from >= entries.size()) {
            return new Page(List.of(), false);
        }
        int to = (int) Math.min(entries.size(), from + limit);
        var ids = entries.stream().sorted(MOST_URGENT_FIRST).skip(from).limit(to - from).map(ClinicAlerts.Entry::alertId).toList();
        return new Page(ids, to < entries.size());
    }
}
