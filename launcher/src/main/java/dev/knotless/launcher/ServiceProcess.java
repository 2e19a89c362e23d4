package dev.knotless.launcher;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service as a child process: {@code java <options> -jar <jar>} with its settings in the
 * environment and its output appended to a log file. Ready when its readiness probe says UP;
 * stopped with SIGTERM (Spring shuts down gracefully), then forcibly after a grace period.
 */
final class ServiceProcess {

    /**
     * Small heaps and a quick-starting JIT: four JVMs share a developer's machine. A young generation
     * of 32 MiB: by default it is a third of the heap, about 80 MiB that every JVM touches and keeps
     * resident even when idle (docs/PERFORMANCE.md).
     */
    static final List<String> JVM_OPTIONS = List.of(
            "-Xmx256m", "-Xmn32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError");

    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    private static final int LOG_LINES_ON_FAILURE = 40;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Service service;
    /** {@code intake-service}, or {@code intake-service-1} for a second instance ({@link Service#instanceName}). */
    private final String name;
    private final int port;
    private final int managementPort;
    private final String host;
    private final Path logFile;
    private final long logOffset;
    private final Process process;
    private final Instant startedAt = Instant.now();
    /** Set when asked to stop: its exit is then no surprise. */
    private volatile boolean stopping;

    private ServiceProcess(Service service, String name, int port, int managementPort, String host, Path logFile, long logOffset, Process process) {
        this.service = service;
        this.name = name;
        this.port = port;
        this.managementPort = managementPort;
        this.host = host;
        this.logFile = logFile;
        this.logOffset = logOffset;
        this.process = process;
    }

    /** Starts the jar with its management endpoints beside the API on {@code port}, on 127.0.0.1. */
    static ServiceProcess start(Service service, RunnableJar jar, Path java, Path workingDir, int port, Map<String, String> environment, Path logFile) {
        return start(service, jar, java, workingDir, port, port, "127.0.0.1", environment, logFile);
    }

    /**
     * Starts the jar; returns at once (see {@link #awaitReady}). {@code managementPort} (when not
     * {@code port}) goes to the service as {@code MANAGEMENT_PORT}, and readiness is asked there, at
     * {@code host} (where the service listens).
     */
    static ServiceProcess start(Service service, RunnableJar jar, Path java, Path workingDir, int port, int managementPort, String host,
                                Map<String, String> environment, Path logFile) {
        return start(service, service.serviceName(), jar, java, workingDir, port, managementPort, host, environment, logFile);
    }

    /** As above, for one of several instances of a service: {@code name} tells them apart in messages and the pid file. */
    static ServiceProcess start(Service service, String name, RunnableJar jar, Path java, Path workingDir, int port, int managementPort,
                                String host, Map<String, String> environment, Path logFile) {
        try {
            Files.createDirectories(logFile.getParent());
            long offset = Files.exists(logFile) ? Files.size(logFile) : 0;
            Files.writeString(logFile, "==== " + Instant.now() + " starting " + name + " on port " + port + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            List<String> command = new ArrayList<>();
            command.add(java.toString());
            command.addAll(JVM_OPTIONS);
            // A JVM crash report goes beside the service's log, not into the working directory (the repository).
            command.add("-XX:ErrorFile=" + logFile.toAbsolutePath().getParent().resolve("hs_err_" + name + "_%p.log"));
            command.addAll(jar.jvmOptions());
            command.add("-jar");
            command.add(jar.jar().toString());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workingDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(environment);
            builder.environment().put("SERVER_PORT", String.valueOf(port));
            if (managementPort != port) {
                builder.environment().put("MANAGEMENT_PORT", String.valueOf(managementPort));
            }
            return new ServiceProcess(service, name, port, managementPort, host, logFile, offset, builder.start());
        } catch (IOException e) {
            throw new LaunchException("Cannot start " + name + " (" + java + " -jar " + jar.jar() + "): " + e.getMessage(), e);
        }
    }

    Service service() {
        return service;
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    String url() {
        return "http://localhost:" + port;
    }

    Path logFile() {
        return logFile;
    }

    /** Where this run's output starts in the log file (earlier runs' output comes before). */
    long logOffset() {
        return logOffset;
    }

    /**
     * Waits until {@code GET /actuator/health/readiness} (or {@code /actuator/health} where
     * probes are off) on the management port answers UP. Fails with the last lines of the log when the process ends or
     * the timeout passes.
     */
    Duration awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String probe = "/actuator/health/readiness";
        while (true) {
            if (!process.isAlive()) {
                throw new LaunchException(name + " stopped with exit code " + process.exitValue() + " while starting."
                        + lastLines());
            }
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + managementPort + probe))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("\"UP\"")) {
                    return Duration.between(startedAt, Instant.now());
                }
                if (response.statusCode() == 404) {
                    probe = "/actuator/health";
                }
            } catch (IOException notYetListening) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LaunchException("Interrupted while waiting for " + name, e);
            }
            if (System.nanoTime() > deadline) {
                throw new LaunchException(name + " did not become ready within " + timeout.toSeconds() + " s." + lastLines());
            }
            sleep(POLL_INTERVAL);
        }
    }

    /** True once {@link #stop} was called. */
    boolean stopping() {
        return stopping;
    }

    /** SIGTERM, wait up to {@code grace}, then SIGKILL. */
    void stop(Duration grace) {
        stopping = true;
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines this run wrote to its log, for an error message. */
    String lastLines() {
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long length = file.length();
            long from = Math.max(logOffset, length - 16_384);
            file.seek(from);
            byte[] tail = new byte[(int) (length - from)];
            file.readFully(tail);
            List<String> lines = Arrays.asList(new String(tail, StandardCharsets.UTF_8).split("\\R"));
            List<String> last = lines.subList(Math.max(0, lines.size() - LOG_LINES_ON_FAILURE), lines.size());
            return System.lineSeparator() + "Last lines of " + logFile + ":" + System.lineSeparator()
                    + String.join(System.lineSeparator(), last.stream().map(line -> "  | " + line).toList());
        } catch (IOException e) {
            return " (its log " + logFile + " cannot be read: " + e.getMessage() + ")";
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("Interrupted", e);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", port " + port + ")";
    }
}
