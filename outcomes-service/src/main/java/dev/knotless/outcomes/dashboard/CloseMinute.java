package dev.knotless.outcomes.dashboard;

import java.time.Instant;
import java.time.LocalDate;

/**
 * The minute under which a follow-up counts in its day document: the instant its window closes,
 * rounded up to the whole minute (so it counts as missed at most a minute late, never early). The
 * key is written as minutes from the start of the session's UTC day ({@code "2880"}): short, and a
 * day's sessions can close in only a few days' worth of minutes, whatever their number. Plain rules.
 */
final class CloseMinute {

    private static final long MINUTES_PER_DAY = 24 * 60;

    private CloseMinute() {
    }

    /** The epoch minute at or after {@code closesAt}. */
    static long of(Instant closesAt) {
        long seconds = closesAt.getEpochSecond() + (closesAt.getNano() > 0 ? 1 : 0);
        return Math.ceilDiv(seconds, 60);
    }

    /** The field name of {@code closesAt}'s minute in the document of {@code day}. */
    static String key(LocalDate day, Instant closesAt) {
        return Long.toString(of(closesAt) - day.toEpochDay() * MINUTES_PER_DAY);
    }

    /** The epoch minute a field name of the document of {@code day} stands for. */
    static long minute(LocalDate day, String key) {
        return day.toEpochDay() * MINUTES_PER_DAY + Long.parseLong(key);
    }

    /** The instant an epoch minute starts: from then on its unanswered follow-ups count as missed. */
    static Instant start(long minute) {
        return Instant.ofEpochSecond(minute * 60);
    }
}
