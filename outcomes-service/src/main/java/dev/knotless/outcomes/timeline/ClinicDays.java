package dev.knotless.outcomes.timeline;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** The per-day grain of the clinic figures: UTC days, written ISO (2026-11-30). Plain rules. */
public final class ClinicDays {

    private ClinicDays() {
    }

    public static LocalDate of(Instant at) {
        return LocalDate.ofInstant(at, ZoneOffset.UTC);
    }

    /**
     * The day under which a patient counts as active: the day of the last session, unless the
     * patient was discharged since; null when there is none.
     */
    public static String activeDay(Instant lastSessionEndedAt, Instant dischargedAt) {
        if (lastSessionEndedAt == null || (dischargedAt != null && !dischargedAt.isBefore(lastSessionEndedAt))) {
            return null;
        }
        return of(lastSessionEndedAt).toString();
    }
}
