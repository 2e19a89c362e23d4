package dev.knotless.benchmarks;

import dev.knotless.benchmarks.Report.Better;
import dev.knotless.launcher.KnotlessSystem;
import dev.knotless.launcher.LauncherOptions;
import dev.knotless.launcher.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * benchmarks/run: for each data size, starts Knotless as {@code ./knotless up} does (the launcher's
 * KnotlessSystem, data under target/benchmarks/system), seeds it through the gateway, waits until
 * every event is processed, then measures: Gatling's open-model HTTP scenarios, freshness, replay,
 * memory and start-up. Stops the system after each size, whatever happens.
 */
public final class Benchmark {

    private static final double GIB = 1024.0 * 1024 * 1024;

    private final Settings settings;
    private final Report report = new Report();

    private Benchmark(Settings settings) {
        this.settings = settings;
    }

    /** What a Ctrl-C or a kill must stop: the running system and any child process of the driver (Gatling, the replaying service). */
    private static volatile KnotlessSystem running;

    public static void main(String[] args) throws IOException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            KnotlessSystem system = running;
            if (system != null) {
                system.close(); // the launcher's stop: gateway, services, then Kafka and the store
            }
            ProcessHandle.current().children().forEach(ProcessHandle::destroy);
        }, "bench-stop"));
        Settings settings = Settings.fromSystemProperties();
        Instant begin = Instant.now();
        Benchmark benchmark = new Benchmark(settings);
        Report report = benchmark.report;
        report.header("date", begin.toString());
        report.header("commit", Report.commit(settings.root()));
        report.header("machine", Report.machine());
        report.header("jdk", Report.jdk());
        report.header("load", "open model (Gatling constantUsersPerSec, shared connections); " + describe(settings));
        int failures = 0;
        try {
            for (Settings.Size size : settings.sizes()) {
                try {
                    benchmark.run(size);
                } catch (RuntimeException e) {
                    failures++;
                    report.note(size.name() + ": the run stopped early: " + e.getMessage());
                    e.printStackTrace();
                }
                report.write(settings.out()); // what is measured so far survives a later Ctrl-C
            }
        } finally {
            report.header("took", Duration.between(begin, Instant.now()).toSeconds() + " s");
            report.write(settings.out());
            Log.info("wrote %s and %s", settings.out().resolve("report.md"), settings.out().resolve("report.json"));
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    private static String describe(Settings settings) {
        StringBuilder text = new StringBuilder();
        settings.loads().forEach((name, load) -> text.append(name).append(' ').append(Report.number(load.rate())).append("/s×")
                .append(load.seconds()).append("s, "));
        return text.append("freshness ").append(Report.number(settings.freshness().rate())).append("/s×").append(settings.freshness().seconds()).append('s').toString();
    }

    private void run(Settings.Size size) throws RuntimeException {
        Path sizeDir = settings.out().resolve(size.name());
        Path dataDir = settings.out().resolve("system");
        try {
            cleanExceptJars(dataDir);
            Files.createDirectories(sizeDir.resolve("feeds"));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot prepare " + dataDir, e);
        }
        boolean firstStart = !Files.isDirectory(dataDir.resolve("jars"));
        Log.info("=== %s: %d patients, %d sessions (%d follow-ups) ===", size.name(), size.patients(), size.sessions(), 2L * size.sessions());
        Log.info("starting Knotless as ./knotless up does (data in %s)", dataDir);
        LauncherOptions options = LauncherOptions.defaults(settings.root()).withDataDir(dataDir).withFreePorts();
        // Staff requests sign in as the auth-server's demo accounts: a therapist of each clinic, and the operator for metrics.
        try (KnotlessSystem system = KnotlessSystem.start(options);
             Http http = new Http(new SignIn(system, settings.therapist()));
             Http fodderHttp = new Http(new SignIn(system, settings.fodderTherapist()));
             Http operator = new Http(new SignIn(system, "operator"));
             Backlog backlog = new Backlog(system.kafkaBootstrapServers(), operator, settings.catchUpBudget())) {
            running = system;
            String name = size.name();
            report.add(name, "startup", "start-up to ready" + (firstStart ? " (first start: jars extracted)" : ""),
                    system.startupTime().toMillis() / 1000.0, "s", 30.0, Better.LOWER, false);
            String gateway = Replay.url(system, Service.GATEWAY);
            String outcomes = Replay.url(system, Service.OUTCOMES);
            // Their management ports: the outbox gauges are read from /actuator/prometheus there (as the operator).
            List<String> services = Service.BEHIND_GATEWAY.stream().map(system::managementUrl).toList();
            AtomicLong loadGenerator = new AtomicLong();
            java.util.function.Supplier<Map<String, Long>> pids = () -> {
                Map<String, Long> map = new LinkedHashMap<>();
                map.put("launcher (Kafka, store, this driver)", ProcessHandle.current().pid());
                for (Service service : Service.values()) {
                    map.put(service.serviceName(), system.pid(service));
                }
                return map;
            };

            // Seed.
            Seeder seeder = new Seeder(http, service -> Replay.url(system, service), settings);
            Seeder fodderSeeder = new Seeder(fodderHttp, service -> Replay.url(system, service), settings);
            long seedBegin = System.nanoTime();
            List<String> patients = seeder.patients(name + " seed patients", settings.clinic(), size.patients(), settings.seedTimeout());
            // session-service learns of each patient and intake from Kafka: let it catch up before recording sessions.
            backlog.awaitCaughtUp(name + " seed patients", services, settings.catchUpTimeout());
            Duration left = settings.seedTimeout().minusNanos(System.nanoTime() - seedBegin);
            List<Seeder.Session> sessions = seeder.sessions(name + " seed sessions", patients, size.sessions(), positive(left));
            // outcomes-service makes the follow-ups from the sessions' events: let it catch up before asking for links.
            backlog.awaitCaughtUp(name + " seed sessions", services, settings.catchUpTimeout());
            int alertCount = (int) Math.round(sessions.size() * settings.seedAlertShare());
            List<Seeder.Token> alertTokens = seeder.links(name + " seed alert links", sessions.subList(0, alertCount), settings.tokenTimeout());
            long alerts = seeder.alerts(name + " seed alerts", alertTokens, settings.tokenTimeout());
            double seedSeconds = (System.nanoTime() - seedBegin) / 1e9;
            boolean caughtUp = backlog.awaitCaughtUp(name + " seed", services, settings.catchUpTimeout());
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("patients", patients.size());
            facts.put("sessions", sessions.size());
            facts.put("followUps", 2L * sessions.size());
            facts.put("openAlerts", alerts);
            facts.put("seedSeconds", Math.round(seedSeconds));
            facts.put("caughtUp", caughtUp);
            report.size(name, facts);
            if (sessions.size() < size.sessions() * 0.95) {
                report.note(name + ": seeding reached " + sessions.size() + " of " + size.sessions() + " sessions within its time budget");
            }
            writeLines(sizeDir.resolve("feeds/patients.csv"), "patientId", patients);

            // Idle memory: everything processed, nothing sent for a few seconds.
            Seeder.pause(3000);
            Map<String, Long> idle = Memory.now(pids.get());
            long idleTotal = idle.values().stream().mapToLong(Long::longValue).sum();
            idle.forEach((process, bytes) -> report.add(name, "rss-idle-" + process, "memory idle: " + process, bytes / GIB * 1024, "MiB", null, Better.NONE, false));
            report.add(name, "rss-idle-total", "memory idle: whole system", idleTotal / GIB, "GiB", 1.5, Better.LOWER, false);

            // Phase A: reads on the seeded data, then registrations and sessions.
            Map<String, GatlingRun.Stats> stats = new LinkedHashMap<>();
            Map<String, Long> peak;
            boolean caughtUpBeforeReplay;
            try (Memory memory = Memory.sampling(() -> {
                Map<String, Long> map = pids.get();
                if (loadGenerator.get() > 0) {
                    map.put("load generator (Gatling)", loadGenerator.get());
                }
                return map;
            })) {
                Map<String, String> properties = gatlingProperties(gateway, outcomes, sizeDir, Settings.BEFORE_TOKENS, http.bearer());
                GatlingRun.Result a = GatlingRun.run(settings, "reads-writes", sizeDir, properties, loadGenerator::set);
                report.html(name, a.report());
                stats.putAll(a.stats());
                backlog.awaitCaughtUp(name + " after reads and writes", services, settings.catchUpTimeout());

                // Survey tokens: seeded open H24 follow-ups first, fodder sessions of a second clinic when the size has too few.
                long needed = settings.loads().get("surveys").requests() + settings.loads().get("surveys-direct").requests()
                        + settings.freshness().requests();
                List<Seeder.Session> pool = new ArrayList<>(sessions.subList(alertCount, Math.max(alertCount, (int) Math.min(sessions.size(), alertCount + needed))));
                List<Seeder.Session> fodderPool = new ArrayList<>();
                java.util.Set<String> fodderPatientIds = new java.util.HashSet<>();
                long fodderNeeded = needed - pool.size();
                if (fodderNeeded > 0) {
                    report.note(name + ": the survey scenarios need " + needed + " open follow-ups; " + fodderNeeded
                            + " come from sessions recorded for clinic " + settings.fodderClinic() + " just before them");
                    long fodderBegin = System.nanoTime();
                    // About 10 sessions a patient, as in a course of treatment: a patient with thousands would make every
                    // event rewrite a timeline of megabytes, which measures nothing a clinic sees.
                    int fodderPatientCount = (int) Math.max(20, fodderNeeded / 10);
                    List<String> fodderPatients = fodderSeeder.patients(name + " fodder patients", settings.fodderClinic(), fodderPatientCount, settings.tokenTimeout());
                    fodderPatientIds.addAll(fodderPatients);
                    backlog.awaitCaughtUp(name + " fodder patients", services, settings.catchUpTimeout());
                    fodderPool.addAll(fodderSeeder.sessions(name + " fodder sessions", fodderPatients, fodderNeeded,
                            positive(settings.tokenTimeout().minusNanos(System.nanoTime() - fodderBegin))));
                    backlog.awaitCaughtUp(name + " fodder", services, settings.catchUpTimeout());
                }
                // A therapist issues links for their own clinic's follow-ups only.
                long linksBegin = System.nanoTime();
                List<Seeder.Token> tokens = new ArrayList<>(seeder.links(name + " survey links", pool, settings.tokenTimeout()));
                if (!fodderPool.isEmpty()) {
                    tokens.addAll(fodderSeeder.links(name + " fodder survey links", fodderPool,
                            positive(settings.tokenTimeout().minusNanos(System.nanoTime() - linksBegin))));
                }
                backlog.awaitCaughtUp(name + " survey links", services, settings.catchUpTimeout());

                // Share the tokens in proportion to what each wants; a scenario with fewer runs shorter.
                Map<String, Settings.Load> surveyLoads = new LinkedHashMap<>();
                int from = 0;
                for (String scenario : Settings.SURVEYS) {
                    Settings.Load load = settings.loads().get(scenario);
                    int count = (int) Math.min(load.requests() * tokens.size() / Math.max(needed, 1), tokens.size() - from);
                    writeLines(sizeDir.resolve("feeds/tokens-" + (scenario.equals("surveys") ? "gateway" : "direct") + ".csv"), "token",
                            tokens.subList(from, from + count).stream().map(Seeder.Token::token).toList());
                    from += count;
                    // As KnotlessSimulation cuts it: shorter first, then fewer per second (one token spare for rounding).
                    long usable = count - 1;
                    long affordable = (long) Math.floor(usable / load.rate());
                    if (affordable >= 1 && affordable < load.seconds()) {
                        report.note(name + ": " + scenario + " ran " + affordable + " s instead of " + load.seconds() + " s (" + count + " tokens)");
                    } else if (affordable < 1) {
                        report.note(name + ": " + scenario + " had " + count + " tokens: " + Math.max(0, usable) + " answers in 1 s instead of "
                                + Report.number(load.rate()) + "/s for " + load.seconds() + " s");
                    }
                    if (usable >= 1) {
                        surveyLoads.put(scenario, load);
                    }
                }
                List<Seeder.Token> freshnessTokens = tokens.subList(from, tokens.size());

                // Phase B: survey answers through the gateway, then straight to outcomes-service.
                if (surveyLoads.isEmpty()) {
                    report.note(name + ": no survey tokens, the survey scenarios did not run");
                } else {
                    Map<String, String> properties2 = gatlingProperties(gateway, outcomes, sizeDir, List.copyOf(surveyLoads.keySet()), http.bearer());
                    GatlingRun.Result b = GatlingRun.run(settings, "surveys", sizeDir, properties2, loadGenerator::set);
                    report.html(name, b.report());
                    stats.putAll(b.stats());
                }
                loadGenerator.set(0);
                backlog.awaitCaughtUp(name + " after surveys", services, settings.catchUpTimeout());

                // Freshness, measured here with the remaining tokens.
                int freshnessCount = (int) Math.min(freshnessTokens.size(), settings.freshness().requests());
                // A therapist reads only their clinic's timelines: each answer's point is polled as its clinic's therapist.
                Freshness.Result fresh = Freshness.measure(http, token -> fodderPatientIds.contains(token.patientId()) ? fodderHttp : http,
                        gateway, outcomes, freshnessTokens.subList(0, freshnessCount),
                        settings.freshness().rate(), settings.freshnessSampleEvery());
                report.add(name, "freshness-p50", "freshness p50 (survey 201 to its point on the timeline)", fresh.freshP50Ms(), "ms", null, Better.LOWER, true);
                report.add(name, "freshness-p99", "freshness p99", fresh.freshP99Ms(), "ms", 250.0, Better.LOWER, true,
                        fresh.found() + " of " + fresh.sampled() + " sampled answers seen on the timeline; " + fresh.created() + " of " + fresh.sent()
                                + " answers at " + Report.number(settings.freshness().rate()) + "/s got 201");
                report.add(name, "freshness-answer-p99", "freshness run: survey answer p99", fresh.answerP99Ms(), "ms", null, Better.LOWER, false);
                if (fresh.found() < fresh.sampled()) {
                    report.note(name + ": " + (fresh.sampled() - fresh.found()) + " sampled answers did not reach the timeline within 10 s");
                }
                caughtUpBeforeReplay = backlog.awaitCaughtUp(name + " after freshness", services, settings.catchUpTimeout());
                memory.close();
                peak = memory.peak();
            }
            addHttpFigures(name, stats);
            long loadTotal = peak.entrySet().stream().filter(entry -> !entry.getKey().startsWith("load generator")).mapToLong(Map.Entry::getValue).sum();
            peak.forEach((process, bytes) -> report.add(name, "rss-load-" + process, "memory under load (peak): " + process, bytes / GIB * 1024, "MiB", null, Better.NONE, false));
            report.add(name, "rss-load-total", "memory under load (peak): whole system", loadTotal / GIB, "GiB", null, Better.NONE, false);

            // Replay: a fresh outcomes-service rebuilds its read models from the topics.
            Replay.Result replay = Replay.measure(system, backlog, http, name, settings.replayTimeout());
            report.add(name, "replay", "replay: events/s rebuilding outcomes-service's read models", replay.eventsPerSecond(), "events/s", 20_000.0, Better.HIGHER, true,
                    replay.events() + " events in " + Report.number(replay.seconds()) + " s from the first commit, "
                            + Report.number(replay.secondsFromStart()) + " s from the process start" + (replay.finished() ? "" : "; NOT finished"));
            if (!caughtUpBeforeReplay) {
                // The launcher's CPU in the replay window then also counts the running system's catching up.
                report.note(name + ": the replay began while the running system was still catching up; the launcher's CPU per replayed event"
                        + " includes that work, and the replay shared the machine with it");
            }
            report.add(name, "replay-cpu-outcomes", "replay: CPU per event, outcomes-service", replay.outcomesCpuMs(), "ms", null, Better.LOWER, false);
            report.add(name, "replay-cpu-launcher", "replay: CPU per event, launcher (Kafka, store)", replay.launcherCpuMs(), "ms", null, Better.LOWER, false);
            Log.info("stopping Knotless");
        } finally {
            running = null;
        }
    }

    private void addHttpFigures(String name, Map<String, GatlingRun.Stats> stats) {
        GatlingRun.Stats surveys = stats.get("surveys");
        GatlingRun.Stats direct = stats.get("surveys-direct");
        if (surveys != null) {
            report.add(name, "surveys-rate", "survey answers via gateway: OK/s", surveys.okPerSecond(), "/s", 1000.0, Better.HIGHER, true);
            report.add(name, "surveys-p99", "survey answers via gateway: p99", surveys.p99(), "ms", 50.0, Better.LOWER, true);
            report.add(name, "surveys-errors", "survey answers via gateway: errors", surveys.ko(), "", 0.0, Better.LOWER, false,
                    surveys.requests() + " requests");
            report.add(name, "surveys-p50", "survey answers via gateway: p50", surveys.p50(), "ms", null, Better.LOWER, false);
        }
        if (direct != null) {
            report.add(name, "direct-rate", "survey answers straight to outcomes-service: OK/s", direct.okPerSecond(), "/s", null, Better.HIGHER, false);
            report.add(name, "direct-p99", "survey answers straight to outcomes-service: p99", direct.p99(), "ms", null, Better.LOWER, false);
            report.add(name, "direct-errors", "survey answers straight to outcomes-service: errors", direct.ko(), "", null, Better.LOWER, false);
            if (surveys != null) {
                report.add(name, "gateway-share", "gateway throughput / direct throughput", 100.0 * surveys.okPerSecond() / direct.okPerSecond(), "%", 70.0, Better.HIGHER, false,
                        "at the same offered rate; an open model offers the same rate to both, so this shows a shortfall only when the gateway falls behind");
            }
        }
        record Target(String scenario, String label, Double rate, Double p99) {
        }
        for (Target target : List.of(
                new Target("sessions", "sessions", 500.0, null),
                new Target("registrations", "registrations", null, null),
                new Target("timeline", "timeline reads", null, 10.0),
                new Target("dashboard", "clinic dashboard", null, 50.0),
                new Target("alerts", "open-alerts list", null, 50.0))) {
            GatlingRun.Stats s = stats.get(target.scenario());
            if (s == null) {
                continue;
            }
            report.add(name, target.scenario() + "-rate", target.label() + ": OK/s", s.okPerSecond(), "/s", target.rate(), Better.HIGHER, true);
            report.add(name, target.scenario() + "-p99", target.label() + ": p99", s.p99(), "ms", target.p99(), Better.LOWER, true);
            report.add(name, target.scenario() + "-errors", target.label() + ": errors", s.ko(), "", target.scenario().equals("sessions") ? 0.0 : null, Better.LOWER, false,
                    s.requests() + " requests");
        }
    }

    private Map<String, String> gatlingProperties(String gateway, String outcomes, Path sizeDir, List<String> scenarios, String token) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("knotless.gateway", gateway);
        properties.put("knotless.outcomes", outcomes);
        properties.put("knotless.feeds", sizeDir.resolve("feeds").toString());
        properties.put("knotless.clinic", settings.clinic());
        properties.put("knotless.token", token); // fresh for each run: it lasts 15 minutes
        properties.put("knotless.scenarios", String.join(",", scenarios));
        for (String scenario : scenarios) {
            Settings.Load load = settings.loads().get(scenario);
            properties.put("knotless." + scenario + ".rate", String.valueOf(load.rate()));
            properties.put("knotless." + scenario + ".duration", String.valueOf(load.seconds()));
        }
        return properties;
    }

    private static Duration positive(Duration duration) {
        return duration.isNegative() || duration.isZero() ? Duration.ofSeconds(1) : duration;
    }

    private static void writeLines(Path file, String header, List<String> lines) {
        try {
            Files.writeString(file, header + "\n" + String.join("\n", lines) + "\n");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write " + file, e);
        }
    }

    /** A fresh system for each size; the extracted jars (and their CDS archives) are kept, as a developer's data/ keeps them. */
    private static void cleanExceptJars(Path dataDir) throws IOException {
        if (!Files.isDirectory(dataDir)) {
            return;
        }
        try (Stream<Path> top = Files.list(dataDir)) {
            for (Path path : top.filter(path -> !path.getFileName().toString().equals("jars")).toList()) {
                try (Stream<Path> walk = Files.walk(path)) {
                    for (Path each : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(each);
                    }
                }
            }
        }
    }
}
