package dev.knotless.launcherwatch;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Stops this service when the launcher that started it is gone. {@code ./knotless up} holds the
 * Kafka broker and the store in its own JVM: a service whose launcher was killed ({@code kill -9},
 * a closed terminal) has neither, and would only block the ports of the next start. The launcher
 * passes its pid and start time; {@link ProcessHandle#onExit()} tells when that process ends (for a
 * process that is not our parent's child the JDK polls, at most every 5 s), and the start time makes
 * sure a reused pid is not taken for the launcher.
 */
final class LauncherWatch implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LauncherWatch.class);

    private final long launcherPid;
    private final String launcherStart;
    private final Runnable exit;
    private final AtomicBoolean running = new AtomicBoolean();

    /**
     * @param launcherPid   the launcher's pid
     * @param launcherStart its start instant as {@link ProcessHandle.Info#startInstant()} gives it, or blank
     * @param exit          what stops this process
     */
    LauncherWatch(long launcherPid, String launcherStart, Runnable exit) {
        this.launcherPid = launcherPid;
        this.launcherStart = launcherStart == null ? "" : launcherStart.trim();
        this.exit = exit;
    }

    @Override
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        Optional<ProcessHandle> launcher = ProcessHandle.of(launcherPid).filter(ProcessHandle::isAlive).filter(this::isTheLauncher);
        if (launcher.isEmpty()) {
            log.warn("The launcher that started this service (pid {}) is not running: stopping", launcherPid);
            exit.run();
            return;
        }
        launcher.get().onExit().thenRun(() -> {
            if (running.get()) {
                log.warn("The launcher that started this service (pid {}) has ended: stopping", launcherPid);
                exit.run();
            }
        });
    }

    private boolean isTheLauncher(ProcessHandle handle) {
        if (launcherStart.isEmpty()) {
            return true;
        }
        return handle.info().startInstant().map(Instant::toString).map(launcherStart::equals).orElse(true);
    }

    @Override
    public void stop() {
        running.set(false);
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }
}
