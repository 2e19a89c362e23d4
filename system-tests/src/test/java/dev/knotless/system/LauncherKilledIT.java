package dev.knotless.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.knotless.launcher.AuthorizationCodeFlow;
import dev.knotless.launcher.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fault test 7 of issue 13: {@code kill -9} of the launcher under load, then {@code ./knotless up} again
 * on the same data. Every write acknowledged before the kill is there, its event reaches the other
 * services, and the services of the killed launcher stopped by themselves. The launcher runs as its own
 * process, from its jar, as {@code ./knotless up} runs it.
 */
class LauncherKilledIT {

    private static final String PASSWORD = "kill-nine-" + UUID.randomUUID();

    private final Path root = Path.of(System.getProperty("knotless.root", "..")).toAbsolutePath().normalize();
    private final Ports ports = Ports.free();
    private Path data;
    private Process launcher;

    @AfterEach
    void stopLauncher() throws InterruptedException {
        if (launcher != null && launcher.isAlive()) {
            launcher.destroy(); // SIGTERM: the launcher's shutdown hook stops the services
            launcher.waitFor();
        }
    }

    @Test
    void everyWriteAcknowledgedBeforeAKillNineIsThereAfterTheNextStart() throws Exception {
        data = Files.createTempDirectory("knotless-kill-nine");
        launcher = startLauncher("first");
        Http api = signedIn();

        // Under load: patients with their intake, as fast as the system takes them, from two writers.
        Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicInteger submitted = new AtomicInteger();
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            writers.add(Thread.ofVirtual().start(() -> {
                while (writing.get()) {
                    submitted.incrementAndGet();
                    try {
                        Http.Reply patient = api.post("/api/patients", Map.of("givenName", "Kill", "familyName", "Nine-" + submitted.get(),
                                "dateOfBirth", "1979-03-14"));
                        if (patient.status() != 201) {
                            continue;
                        }
                        String id = patient.text("patientId");
                        if (api.post("/api/patients/" + id + "/intake", Requests.intake()).status() == 201) {
                            acknowledged.add(id);
                        }
                    } catch (UncheckedIOException | IllegalStateException e) {
                        return; // the launcher was killed under this request: not acknowledged
                    }
                }
            }));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 60);

        List<ProcessHandle> services = servicesOf(launcher.pid());
        launcher.destroyForcibly(); // SIGKILL: no shutdown hook, no orderly stop of the broker or the store
        launcher.waitFor();
        writing.set(false);
        for (Thread writer : writers) {
            writer.join(Duration.ofSeconds(30));
        }
        List<String> beforeKill = List.copyOf(acknowledged);

        // Without their launcher they have no broker and no store: they stop by themselves (launcher-watch).
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(services).noneMatch(ProcessHandle::isAlive));

        launcher = startLauncher("second");
        Http again = signedIn();
        int found = 0;
        for (String id : beforeKill) {
            if (again.get("/api/patients/" + id).status() == 200) {
                found++;
            }
        }
        // Each intake's event reached session-service: a session for each patient passes its safety gate.
        AtomicInteger sessions = new AtomicInteger();
        for (String id : beforeKill) {
            await().atMost(Duration.ofSeconds(60)).until(() -> again.post("/api/patients/" + id + "/sessions", Requests.session(Duration.ofHours(1), false)).status() == 201);
            sessions.incrementAndGet();
        }
        System.out.printf("[measure] kill -9 of the launcher: %d submitted, %d acknowledged (patient and intake), %d found after the restart,"
                + " %d lost, %d intake events applied (a session accepted)%n", submitted.get(), beforeKill.size(), found, beforeKill.size() - found, sessions.get());
        assertThat(found).isEqualTo(beforeKill.size());
        assertThat(sessions).hasValue(beforeKill.size());
    }

    private Process startLauncher(String name) throws IOException {
        Path out = data.resolve("launcher-" + name + ".out");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx384m", "-XX:+UseSerialGC"));
        if (Runtime.version().feature() >= 24) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(List.of("-jar", root.resolve("launcher/target/knotless-launcher.jar").toString(), "up",
                "--root", root.toString(), "--data-dir", data.toString(),
                "--gateway-port", String.valueOf(ports.gateway()), "--intake-port", String.valueOf(ports.intake()),
                "--session-port", String.valueOf(ports.session()), "--outcomes-port", String.valueOf(ports.outcomes()),
                "--auth-port", String.valueOf(ports.auth()), "--kafka-port", String.valueOf(ports.kafka()),
                "--kafka-controller-port", String.valueOf(ports.kafkaController()), "--store-port", String.valueOf(ports.store())));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("KNOTLESS_DEMO_PASSWORD", PASSWORD);
        Process process = builder.start();
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("The " + name + " launcher ended: " + Files.readString(out));
            }
            return Files.exists(out) && Files.readString(out).contains("Knotless is up");
        });
        return process;
    }

    private Http signedIn() throws Exception {
        String issuer = "http://localhost:" + ports.auth();
        return new Http("http://localhost:" + ports.gateway(), new AuthorizationCodeFlow(URI.create(issuer)).accessToken("therapist-a", PASSWORD));
    }

    /** The launcher's children, from the pid file it writes as soon as it starts them. */
    private List<ProcessHandle> servicesOf(long launcherPid) throws IOException {
        List<ProcessHandle> children = ProcessHandle.of(launcherPid).map(handle -> handle.children().toList()).orElse(List.of());
        assertThat(children).as("the launcher's services").hasSize(5);
        return children;
    }
}
