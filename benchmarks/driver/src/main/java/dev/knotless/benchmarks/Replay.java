package dev.knotless.benchmarks;

import dev.knotless.launcher.KnotlessSystem;
import dev.knotless.launcher.Service;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Replay: a second, fresh outcomes-service (the same jar the launcher runs) with a new database
 * and a new consumer group, reading the three topics from the beginning and rebuilding every read
 * model; timed until its consumer lag is zero. Its producer points at a closed port on 127.0.0.1 so
 * that what it stages in its outboxes is never published: the running system sees nothing of it.
 */
final class Replay {

    /**
     * {@code outcomesCpuMs} and {@code launcherCpuMs}: CPU time per replayed event of the replaying
     * service and of the launcher's JVM (Kafka and the store), from the first commit on. Unlike the
     * rate, CPU time per event hardly changes when something else on the machine competes for it.
     */
    record Result(long events, double seconds, double secondsFromStart, double eventsPerSecond, boolean finished,
                  double outcomesCpuMs, double launcherCpuMs) {
    }

    /** CPU time of a process so far, in ms (0 when the OS does not say). */
    private static double cpuMs(ProcessHandle process) {
        return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e6).orElse(0.0);
    }

    private Replay() {
    }

    static Result measure(KnotlessSystem system, Backlog backlog, Http http, String name, Duration timeout) {
        long events = backlog.events(Backlog.TOPICS);
        String group = "outcomes-replay-" + name + "-" + System.currentTimeMillis();
        int port = freePort();
        // For experiments on the consumer (a later option wins): -Dbench.replay.jvm-options="-XX:TieredStopAtLevel=4".
        String extra = System.getProperty("bench.replay.jvm-options", "").trim();
        List<String> jvmOptions = extra.isEmpty() ? List.of() : List.of(extra.split("\\s+"));
        Log.info("replay: a fresh outcomes-service (group %s) reads %d events from the beginning", group, events);
        long begin = System.nanoTime();
        Process process = system.startRebuild(Service.OUTCOMES, "knotless-outcomes-replay-" + name, group, port, jvmOptions);
        try {
            long deadline = begin + timeout.toNanos();
            long consuming = 0;
            double outcomesCpuAtStart = 0;
            double launcherCpuAtStart = 0;
            long nextReport = begin + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline && process.isAlive()) {
                long lag = backlog.lag(group, Backlog.TOPICS);
                long now = System.nanoTime();
                if (consuming == 0 && lag < events) {
                    consuming = now; // the first commit: reading has begun
                    outcomesCpuAtStart = cpuMs(process.toHandle());
                    launcherCpuAtStart = cpuMs(ProcessHandle.current());
                }
                if (lag == 0) {
                    // From the first committed offset: the JVM's start-up is not replay.
                    double seconds = (now - consuming) / 1e9;
                    double rate = events / Math.max(seconds, 0.001);
                    return new Result(events, seconds, (now - begin) / 1e9, rate, true,
                            (cpuMs(process.toHandle()) - outcomesCpuAtStart) / events, (cpuMs(ProcessHandle.current()) - launcherCpuAtStart) / events);
                }
                if (now > nextReport) {
                    nextReport += TimeUnit.SECONDS.toNanos(5);
                    Log.info("replay: %s events left after %.0f s", lag == Long.MAX_VALUE ? "?" : lag, (now - begin) / 1e9);
                }
                Seeder.pause(100);
            }
            long lag = backlog.lag(group, Backlog.TOPICS);
            long done = lag == Long.MAX_VALUE ? 0 : events - lag;
            double seconds = consuming == 0 ? timeout.toSeconds() : (System.nanoTime() - consuming) / 1e9;
            Log.info("replay: not finished (%s)", process.isAlive() ? "timed out" : "the process stopped, see its log in " + system.options().logDir());
            boolean measured = consuming != 0 && done > 0;
            return new Result(events, seconds, (System.nanoTime() - begin) / 1e9, done / Math.max(seconds, 0.001), false,
                    measured ? (cpuMs(process.toHandle()) - outcomesCpuAtStart) / done : 0,
                    measured ? (cpuMs(ProcessHandle.current()) - launcherCpuAtStart) / done : 0);
        } finally {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String url(KnotlessSystem system, Service service) {
        return "http://127.0.0.1:" + system.options().ports().of(service);
    }
}
