package dev.knotless.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every knob of a run, from system properties ({@code -Dbench.<name>=...}, which benchmarks/run
 * passes through). Defaults are the target rates with short durations, so that both sizes
 * fit in about 15 minutes on a 2-core machine.
 */
record Settings(
        Path root,
        Path out,
        List<Size> sizes,
        String clinic,
        String therapist,
        String fodderClinic,
        String fodderTherapist,
        Map<String, Load> loads,
        Load freshness,
        int freshnessSampleEvery,
        int seedConcurrency,
        double seedAlertShare,
        Duration seedTimeout,
        Duration tokenTimeout,
        Duration catchUpTimeout,
        Duration catchUpBudget,
        Duration replayTimeout,
        String gatlingJavaOptions) {

    /**
     * A data size: patients of one clinic and needling sessions spread over them (two follow-ups each). Both
     * sizes give a patient 25 sessions, so what differs between them is only how much data the system holds:
     * a patient's own timeline is as long at either size, and the large/small ratios measure the growth the
     * issue is about, not a longer history per patient.
     */
    record Size(String name, int patients, int sessions) {
    }

    /** An open-model load: requests per second for a number of seconds. */
    record Load(double rate, int seconds) {
        long requests() {
            return Math.round(rate * seconds);
        }
    }

    /** The HTTP scenarios Gatling runs, in this order: reads on the seeded data first, then the writes. */
    static final List<String> BEFORE_TOKENS = List.of("timeline", "dashboard", "alerts", "registrations", "sessions");
    static final List<String> SURVEYS = List.of("surveys", "surveys-direct");

    /**
     * Durations and waits are short so that both sizes fit in 15 minutes: a system that cannot keep up
     * runs every bounded wait to its limit (docs/PERFORMANCE.md, the latest results).
     */
    static Settings fromSystemProperties() {
        Path root = Path.of(property("bench.root", System.getProperty("user.dir"))).toAbsolutePath().normalize();
        Map<String, Load> loads = new LinkedHashMap<>();
        loads.put("timeline", load("timeline", 500, 10));
        loads.put("dashboard", load("dashboard", 100, 10));
        loads.put("alerts", load("alerts", 100, 10));
        loads.put("registrations", load("registrations", 200, 10));
        loads.put("sessions", load("sessions", 500, 10));
        loads.put("surveys", load("surveys", 1000, 5));
        loads.put("surveys-direct", load("surveys-direct", 1000, 3));
        List<Size> sizes = Arrays.stream(property("bench.sizes", "small,large").split(","))
                .map(String::trim)
                .filter(name -> !name.isEmpty())
                .map(name -> switch (name) {
                    case "small" -> new Size("small", integer("bench.small.patients", 20), integer("bench.small.sessions", 500));
                    case "large" -> new Size("large", integer("bench.large.patients", 2000), integer("bench.large.sessions", 50_000));
                    default -> throw new IllegalArgumentException("bench.sizes: unknown size '" + name + "' (small, large)");
                })
                .toList();
        return new Settings(
                root,
                Path.of(property("bench.out", root.resolve("target/benchmarks").toString())).toAbsolutePath(),
                sizes,
                // The auth-server's demo accounts: the token names the clinic, so each clinic has its therapist.
                property("bench.clinic", "clinic-a"),
                property("bench.therapist", "therapist-a"),
                property("bench.fodder-clinic", "clinic-b"),
                property("bench.fodder-therapist", "therapist-b"),
                loads,
                load("freshness", 500, 5),
                integer("bench.freshness.sample-every", 10),
                integer("bench.seed.concurrency", 24),
                Double.parseDouble(property("bench.seed.alert-share", "0.05")),
                Duration.ofSeconds(integer("bench.seed.timeout", 300)),
                Duration.ofSeconds(integer("bench.tokens.timeout", 45)),
                Duration.ofSeconds(integer("bench.catch-up.timeout", 30)),
                Duration.ofSeconds(integer("bench.catch-up.budget", 90)),
                Duration.ofSeconds(integer("bench.replay.timeout", 60)),
                property("bench.gatling.java-options", "-Xmx512m -XX:+UseParallelGC"));
    }

    private static Load load(String name, double rate, int seconds) {
        return new Load(Double.parseDouble(property("bench." + name + ".rate", String.valueOf(rate))),
                integer("bench." + name + ".duration", seconds));
    }

    private static String property(String name, String byDefault) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() ? byDefault : value.trim();
    }

    private static int integer(String name, int byDefault) {
        return Integer.parseInt(property(name, String.valueOf(byDefault)));
    }
}
