package dev.knotless.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceProcessIT {

    @TempDir
    Path dir;

    private RunnableJar jar;

    @BeforeEach
    void buildAFakeServiceJar() throws Exception {
        jar = new RunnableJar(FakeService.writeJar(dir.resolve("fake.jar")), List.of());
    }

    @Test
    void startsTheJarWaitsForReadinessAndStopsItWithSigterm() throws Exception {
        int port = Ports.free().gateway();
        Path log = dir.resolve("logs/intake-service.log");
        ServiceProcess process = ServiceProcess.start(Service.INTAKE, jar, LauncherOptions.currentJava(), dir, port,
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1"), log);

        process.awaitReady(Duration.ofSeconds(60));
        process.stop(Duration.ofSeconds(20));

        assertThat(process.process().isAlive()).isFalse();
        assertThat(process.process().exitValue()).as("ended by SIGTERM, not SIGKILL").isEqualTo(143);
        assertThat(Files.readString(log)).contains("up on port " + port).contains("stopping on SIGTERM");
    }

    @Test
    void aGeneratedDemoPasswordIsTakenFromThisRunsOutputAndMaskedInTheLog() throws Exception {
        int port = Ports.free().gateway();
        Path log = dir.resolve("logs/auth-server.log");
        Files.createDirectories(log.getParent());
        Files.writeString(log, DemoPassword.LINE + "an-earlier-run\n");
        ServiceProcess process = ServiceProcess.start(Service.AUTH, jar, LauncherOptions.currentJava(), dir, port,
                Map.of("KNOTLESS_DEMO_ACCOUNTS", "true", "KNOTLESS_DEMO_PASSWORD", ""), log);
        try {
            process.awaitReady(Duration.ofSeconds(60));

            assertThat(DemoPassword.takeFrom(log, process.logOffset())).contains("fake-generated-password");
            assertThat(DemoPassword.takeFrom(log, process.logOffset())).as("masked: not found twice").isEmpty();
        } finally {
            process.stop(Duration.ofSeconds(20));
        }
        assertThat(Files.readString(log)).doesNotContain("fake-generated-password")
                .contains(DemoPassword.LINE + "*".repeat("fake-generated-password".length()) + "\n", "up on port " + port, "stopping on SIGTERM");
    }

    @Test
    void aServiceThatDiesWhileStartingFailsWithTheEndOfItsLog() {
        ServiceProcess process = ServiceProcess.start(Service.SESSION, jar, LauncherOptions.currentJava(), dir, Ports.free().gateway(),
                Map.of("FAKE_FAIL", "1"), dir.resolve("logs/session-service.log"));

        assertThatThrownBy(() -> process.awaitReady(Duration.ofSeconds(60)))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("session-service stopped with exit code 3")
                .hasMessageContaining("cannot connect to the store, giving up");
    }

    @Test
    void aServiceThatIsNotReadyInTimeFailsWithTheEndOfThisRunsLogOnly() throws Exception {
        Path log = dir.resolve("logs/outcomes-service.log");
        Files.createDirectories(log.getParent());
        Files.writeString(log, "a line of an earlier run\n");
        ServiceProcess process = ServiceProcess.start(Service.OUTCOMES, jar, LauncherOptions.currentJava(), dir, Ports.free().gateway(),
                Map.of("FAKE_HANG", "1"), log);
        try {
            assertThatThrownBy(() -> process.awaitReady(Duration.ofSeconds(5)))
                    .isInstanceOf(LaunchException.class)
                    .hasMessageContaining("outcomes-service did not become ready within 5 s")
                    .hasMessageContaining("waiting for something that never comes")
                    .hasMessageNotContaining("a line of an earlier run");
        } finally {
            process.stop(Duration.ofSeconds(20));
        }
        assertThat(Files.readString(log)).startsWith("a line of an earlier run");
    }
}
