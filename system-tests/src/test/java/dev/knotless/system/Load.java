package dev.knotless.system;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/** Requests eight at a time (or as many as asked), as a busy clinic's front desks and patients' phones would send them. */
final class Load {

    private Load() {
    }

    /** Runs {@code task} for 0 to {@code count - 1}, eight at a time; rethrows the first failure. */
    static void concurrently(int count, IntConsumer task) throws Exception {
        concurrently(count, 8, task);
    }

    /** As {@link #concurrently(int, IntConsumer)}, {@code clients} at a time. */
    static void concurrently(int count, int clients, IntConsumer task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> task.accept(index)));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
