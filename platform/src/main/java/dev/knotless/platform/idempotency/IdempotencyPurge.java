package dev.knotless.platform.idempotency;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Removes keys past their retention every {@code knotless.idempotency.purge-interval}, on a thread
 * of its own, never on a request's path: on the embedded store each pass reads the whole
 * collection (it ignores TTL and non-unique indexes); on MongoDB the TTL index has usually removed
 * them already, and the pass is a cheap indexed delete. Correctness does not depend on it: an
 * expired key is treated as new whether or not its document is still there.
 */
class IdempotencyPurge implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyPurge.class);

    private final IdempotencyStore store;
    private final Duration interval;
    private ScheduledExecutorService executor;

    IdempotencyPurge(IdempotencyStore store, Duration interval) {
        this.store = store;
        this.interval = interval;
    }

    void purge() {
        try {
            long removed = store.purgeExpired();
            if (removed > 0) {
                log.info("Removed {} expired idempotency keys", removed);
            }
        } catch (RuntimeException e) {
            log.warn("Expired idempotency keys not removed this time: {}", e.toString());
        }
    }

    @Override
    public synchronized void start() {
        executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("idempotency-purge").daemon(true).factory());
        executor.scheduleWithFixedDelay(this::purge, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }
}
