package dev.knotless.platform.idempotency;

import dev.knotless.platform.lock.OncePerInterval;
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
 *
 * <p>With several instances on one database, one of them purges per interval (the lock
 * {@value #JOB}): each pass would read the same collection to remove the same keys.
 */
class IdempotencyPurge implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyPurge.class);

    /** The name of its lock. */
    static final String JOB = "idempotency-purge";

    private final IdempotencyStore store;
    private final Duration interval;
    /** Null: this instance purges on every turn (tests, a service without the lock). */
    private final OncePerInterval once;
    private ScheduledExecutorService executor;

    IdempotencyPurge(IdempotencyStore store, Duration interval, OncePerInterval once) {
        this.store = store;
        this.interval = interval;
        this.once = once;
    }

    void purge() {
        try {
            if (once == null) {
                purgeNow();
            } else {
                once.run(JOB, interval, this::purgeNow);
            }
        } catch (RuntimeException e) {
            log.warn("Expired idempotency keys not removed this time: {}", e.toString());
        }
    }

    private void purgeNow() {
        long removed = store.purgeExpired();
        if (removed > 0) {
            log.info("Removed {} expired idempotency keys", removed);
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
