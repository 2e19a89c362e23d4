package dev.knotless.benchmarks;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** Progress on standard output: the run is long and a person watches it. */
final class Log {
    private Log() {
    }

    static void info(String format, Object... args) {
        System.out.println("[bench " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "] " + String.format(java.util.Locale.ROOT, format, args));
    }
}
