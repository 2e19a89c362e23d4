package dev.knotless.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Resident memory (VmRSS in /proc/<pid>/status) of each process, once or as the highest seen while sampling. */
final class Memory implements AutoCloseable {

    private final Supplier<Map<String, Long>> pids;
    private final Map<String, Long> peak = new LinkedHashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    private Memory(Supplier<Map<String, Long>> pids) {
        this.pids = pids;
        this.sampler = Thread.ofPlatform().daemon().name("bench-memory").start(() -> {
            while (running) {
                sampleInto(peak);
                Seeder.pause(1000);
            }
        });
    }

    /** Samples every second until closed; {@link #peak()} is the highest RSS per process. */
    static Memory sampling(Supplier<Map<String, Long>> pids) {
        return new Memory(pids);
    }

    synchronized Map<String, Long> peak() {
        return new LinkedHashMap<>(peak);
    }

    private void sampleInto(Map<String, Long> into) {
        Map<String, Long> now = now(pids.get());
        synchronized (this) {
            now.forEach((name, bytes) -> into.merge(name, bytes, Math::max));
        }
    }

    /** RSS in bytes per process name, now. */
    static Map<String, Long> now(Map<String, Long> pids) {
        Map<String, Long> rss = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            long bytes = rssOf(pid);
            if (bytes >= 0) {
                rss.put(name, bytes);
            }
        });
        return rss;
    }

    static long rssOf(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
        sampleInto(peak);
    }
}
