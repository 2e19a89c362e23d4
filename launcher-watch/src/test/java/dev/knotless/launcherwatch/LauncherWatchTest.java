package dev.knotless.launcherwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real process stands for the launcher: the watch stops the service when it ends, and only then. */
class LauncherWatchTest {

    private final AtomicInteger exits = new AtomicInteger();
    private Process launcher;

    @AfterEach
    void stopLauncher() {
        if (launcher != null) {
            launcher.destroyForcibly();
        }
    }

    @Test
    void theServiceStopsWhenTheLauncherIsKilled() throws IOException {
        launcher = new ProcessBuilder("sleep", "60").start();
        var watch = new LauncherWatch(launcher.pid(), startOf(launcher.toHandle()), exits::incrementAndGet);
        watch.start();
        assertThat(exits).hasValue(0);

        launcher.destroyForcibly(); // SIGKILL, as kill -9

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(exits).hasValue(1));
    }

    @Test
    void theServiceStopsAtOnceWhenTheLauncherIsAlreadyGone() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();

        new LauncherWatch(gone.pid(), "", exits::incrementAndGet).start();

        assertThat(exits).hasValue(1);
    }

    @Test
    void aProcessThatReusedTheLaunchersPidIsNotTakenForIt() throws IOException {
        launcher = new ProcessBuilder("sleep", "60").start();
        String anotherStart = Instant.parse("2026-01-01T00:00:00Z").toString();

        new LauncherWatch(launcher.pid(), anotherStart, exits::incrementAndGet).start();

        assertThat(exits).hasValue(1);
        assertThat(launcher.isAlive()).isTrue();
    }

    @Test
    void stoppedWithItsServiceTheWatchDoesNothingWhenTheLauncherEndsLater() throws IOException {
        launcher = new ProcessBuilder("sleep", "60").start();
        var watch = new LauncherWatch(launcher.pid(), startOf(launcher.toHandle()), exits::incrementAndGet);
        watch.start();
        watch.stop();

        launcher.destroyForcibly();
        launcher.onExit().join();

        // onExit's callbacks run on the JDK's reaper thread: wait until the handle's own future has run them.
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(exits).hasValue(0));
    }

    private static String startOf(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toString).orElse("");
    }
}
