package dev.knotless.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * One Gatling run in its own JVM, on the classpath the gatling module resolved without Spring
 * Boot's dependency management: {@code io.gatling.app.Gatling} with {@code KnotlessSimulation}.
 * Returns each scenario's figures from the file the simulation writes at its end.
 */
final class GatlingRun {

    /** One scenario: requests, errors, latency percentiles (ms) and the rate of OK answers over the scenario's own span. */
    record Stats(String name, long requests, long ok, long ko, double p50, double p95, double p99, double max, double mean,
                 double seconds, double okPerSecond) {
    }

    record Result(Path report, Map<String, Stats> stats, long pid) {
    }

    private GatlingRun() {
    }

    static Result run(Settings settings, String phase, Path sizeDir, Map<String, String> properties, java.util.function.LongConsumer onStart) {
        Path module = settings.root().resolve("benchmarks/gatling/target");
        Path results = sizeDir.resolve("gatling");
        Path timing = sizeDir.resolve("timing-" + phase + ".json");
        Path log = sizeDir.resolve("gatling-" + phase + ".log");
        try {
            Files.createDirectories(results);
            String classpath = module.resolve("classes") + java.io.File.pathSeparator
                    + Files.readString(module.resolve("gatling.classpath")).strip();
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(Arrays.asList(settings.gatlingJavaOptions().trim().split("\\s+")));
            // What Gatling's own launchers add: its Scala code reflects into java.lang; Netty loads native code.
            command.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
            command.add("--enable-native-access=ALL-UNNAMED");
            command.add("-Dgatling.data.enableAnalytics=false");
            command.add("-Dgatling.http.warmUpUrl=");
            command.add("-Dknotless.timing=" + timing);
            properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
            command.addAll(List.of("-cp", classpath, "io.gatling.app.Gatling",
                    "--simulation", "dev.knotless.benchmarks.gatling.KnotlessSimulation",
                    "--results-folder", results.toString(),
                    "--run-description", phase));
            Set before = Set.of(results);
            Log.info("gatling %s: %s (log %s)", phase, properties.getOrDefault("knotless.scenarios", ""), log);
            Process process = new ProcessBuilder(command)
                    .directory(settings.root().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            onStart.accept(process.pid());
            if (!process.waitFor(30, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("Gatling did not finish; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("Gatling exited with " + process.exitValue() + "; see " + log);
            }
            Path report = before.newest(results);
            return new Result(report, stats(report, timing), process.pid());
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run Gatling", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The report folders present before the run, to find the one it made. */
    private record Set(List<Path> folders) {
        static Set of(Path results) throws IOException {
            try (Stream<Path> list = Files.list(results)) {
                return new Set(list.toList());
            }
        }

        Path newest(Path results) throws IOException {
            try (Stream<Path> list = Files.list(results)) {
                return list.filter(Files::isDirectory)
                        .filter(folder -> !folders.contains(folder))
                        .filter(folder -> Files.isRegularFile(folder.resolve("index.html")))
                        .max(Comparator.comparing(folder -> folder.toFile().lastModified()))
                        .orElseThrow(() -> new IllegalStateException("Gatling wrote no report in " + results));
            }
        }
    }

    /** Reads the simulation's own figures per scenario (see KnotlessSimulation#after): Gatling's response times, its OK/KO. */
    static Map<String, Stats> stats(Path report, Path timing) throws IOException {
        if (!Files.isRegularFile(timing)) {
            throw new IllegalStateException("The simulation wrote no " + timing + "; see the Gatling log");
        }
        JsonNode windows = Http.JSON.readTree(Files.readString(timing));
        Map<String, Stats> stats = new LinkedHashMap<>();
        for (var entry : windows.properties()) {
            JsonNode w = entry.getValue();
            long ok = w.path("ok").asLong();
            long ko = w.path("ko").asLong();
            double seconds = Math.max(0.001, (w.path("last").asLong() - w.path("first").asLong()) / 1000.0);
            // Percentiles are over every response, failures included (a timeout counts as its 10 s); with no
            // successful answer at all there is no latency to speak of, and a fast error must not pass.
            double nan = Double.NaN;
            stats.put(entry.getKey(), new Stats(entry.getKey(), ok + ko, ok, ko, ok == 0 ? nan : w.path("p50").asDouble(),
                    ok == 0 ? nan : w.path("p95").asDouble(), ok == 0 ? nan : w.path("p99").asDouble(), w.path("max").asDouble(),
                    w.path("mean").asDouble(), seconds, ok / seconds));
        }
        return stats;
    }
}
