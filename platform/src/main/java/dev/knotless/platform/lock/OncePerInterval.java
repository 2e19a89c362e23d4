package dev.knotless.platform.lock;

import java.time.Duration;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;

/**
 * Runs a periodic job of a thread of its own (not Spring's scheduler) on one instance per interval:
 * the instance that takes the job's lock runs it, the others skip their turn.
 *
 * <p>The lock is held at least 9/10 of the interval: an instance whose turn comes within that time
 * of another's run skips it, so however many instances there are, the job runs about once per
 * interval. Not the whole interval: the holder's own next turn comes one interval after its run
 * ended, by its monotonic timer, while the lock is timed by the wall clock; a little less keeps a
 * slow wall clock from making the holder skip its own turn. At most one interval: an instance that
 * died while running holds the job no longer than its normal cadence. A run that takes longer than
 * the interval may meet another instance's run; each job here is idempotent, so that costs work,
 * not correctness.
 */
public final class OncePerInterval {

    private final LockingTaskExecutor executor;

    public OncePerInterval(LockingTaskExecutor executor) {
        this.executor = executor;
    }

    /**
     * Runs {@code job} unless another instance holds its lock.
     *
     * @param name the job's name, the lock's {@code _id}
     * @return whether it ran here
     */
    public boolean run(String name, Duration interval, Runnable job) {
        var lock = new LockConfiguration(ClockProvider.now(), name, interval, interval.multipliedBy(9).dividedBy(10));
        try {
            return executor.executeWithLock(() -> {
                job.run();
                return null;
            }, lock).wasExecuted();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("job " + name + " failed", e);
        }
    }
}
