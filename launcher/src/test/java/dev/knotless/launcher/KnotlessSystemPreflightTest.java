package dev.knotless.launcher;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnotlessSystemPreflightTest {

    @TempDir
    Path root;

    @Test
    void refusesWhenServiceJarsAreMissingAndSaysHowToBuildThem() throws IOException {
        jars(Service.INTAKE, Service.GATEWAY);
        LauncherOptions options = LauncherOptions.defaults(root).withFreePorts();

        assertThatThrownBy(() -> KnotlessSystem.start(options))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("Not built yet")
                .hasMessageContaining(Service.SESSION.jar(root).toString())
                .hasMessageContaining(Service.OUTCOMES.jar(root).toString())
                .hasMessageNotContaining(Service.INTAKE.jar(root).toString())
                .hasMessageContaining("./knotless up --rebuild");
    }

    @Test
    void refusesWhenAPortIsTakenAndNamesThePortAndItsPart() throws IOException {
        jars(Service.values());
        LauncherOptions options = LauncherOptions.defaults(root).withFreePorts();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", options.ports().kafka()));

            assertThatThrownBy(() -> KnotlessSystem.start(options))
                    .isInstanceOf(LaunchException.class)
                    .hasMessageContaining("Ports already in use: " + options.ports().kafka() + " (Kafka)")
                    .hasMessageNotContaining("Not built yet");
        }
    }

    @Test
    void refusesWhileAKnotlessStartedEarlierOnTheSameDataIsStillRunning() throws IOException {
        jars(Service.values());
        LauncherOptions options = LauncherOptions.defaults(root).withFreePorts();
        Files.createDirectories(options.dataDir());
        ProcessHandle current = ProcessHandle.current();
        Files.writeString(options.dataDir().resolve("knotless.pids"),
                current.pid() + " launcher " + current.info().startInstant().orElseThrow() + "\n");

        assertThatThrownBy(() -> KnotlessSystem.preflight(options))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("still running: launcher (pid " + ProcessHandle.current().pid() + ")");
    }

    @Test
    void aPidFileOfProcessesThatEndedIsNoObstacle() throws IOException {
        jars(Service.values());
        LauncherOptions options = LauncherOptions.defaults(root).withFreePorts();
        Files.createDirectories(options.dataDir());
        Process ended = new ProcessBuilder(LauncherOptions.currentJava().toString(), "-version").start();
        ended.onExit().join();
        Files.writeString(options.dataDir().resolve("knotless.pids"), ended.pid() + " intake-service\n");

        assertThatCode(() -> KnotlessSystem.preflight(options)).doesNotThrowAnyException();
    }

    @Test
    void aPidThatNowBelongsToAnotherProcessIsNoObstacle() throws IOException {
        jars(Service.values());
        LauncherOptions options = LauncherOptions.defaults(root).withFreePorts();
        Files.createDirectories(options.dataDir());
        Files.writeString(options.dataDir().resolve("knotless.pids"), ProcessHandle.current().pid() + " launcher 2001-01-01T00:00:00Z\n");

        assertThatCode(() -> KnotlessSystem.preflight(options)).doesNotThrowAnyException();
    }

    private void jars(Service... services) throws IOException {
        for (Service service : services) {
            Files.createDirectories(service.jar(root).getParent());
            Files.writeString(service.jar(root), "a jar");
        }
    }
}
