package dev.knotless.platform.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit of audit records: one writer thread takes whatever requests have queued while it
 * wrote the previous batch and writes them together, so a busy service makes a few round trips per
 * batch instead of three per request, and an idle one adds no delay (a lone request is a batch of
 * one). Hand-written because it is a queue and a thread: a reactive buffer would bring Reactor into
 * the servlet services for one loop, and no batching library waits for a caller's own item.
 *
 * <p>Callers that must not go on before their record is stored (the attempt: fail closed) wait for
 * its batch; the others (the outcome, written once the answer is known) do not.
 */
final class AuditWriter implements AutoCloseable {

    /** A record to write, completed when its batch is stored or failed. */
    record Pending(AuditContext context, Phase phase, Instant at, int status, CompletableFuture<Void> written) {
    }

    enum Phase { ATTEMPT, OUTCOME, FLUSH }

    private static final Logger log = LoggerFactory.getLogger(AuditWriter.class);

    private final BlockingQueue<Pending> queue;
    private final int batchSize;
    private final Duration enqueueTimeout;
    private final Consumer<List<Pending>> batchWriter;
    private final Thread thread;
    private volatile boolean closing;

    /** {@code batchWriter} stores a batch and completes each item's future, normally or with the reason. */
    AuditWriter(int capacity, int batchSize, Duration enqueueTimeout, Consumer<List<Pending>> batchWriter) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.batchSize = batchSize;
        this.enqueueTimeout = enqueueTimeout;
        this.batchWriter = batchWriter;
        this.thread = Thread.ofPlatform().name("audit-writer").daemon().start(this::run);
    }

    /** Queues the item; false when the queue stayed full (the writer is far behind) or the writer is closed. */
    boolean submit(Pending pending) {
        if (closing) {
            return false;
        }
        try {
            return queue.offer(pending, enqueueTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until everything queued before the call is written (or failed). */
    void flush(Duration timeout) {
        var marker = new Pending(null, Phase.FLUSH, null, 0, new CompletableFuture<>());
        if (submit(marker)) {
            try {
                marker.written().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.warn("Audit records were not all written within {}", timeout);
            }
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(batchSize);
        while (!closing || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, batchSize - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Pending> batch) {
        List<Pending> records = batch.stream().filter(pending -> pending.phase() != Phase.FLUSH).toList();
        try {
            if (!records.isEmpty()) {
                batchWriter.accept(records);
            }
        } catch (RuntimeException e) {
            records.forEach(pending -> pending.written().completeExceptionally(e));
        }
        // Flush markers last: everything before them in the queue is settled by now.
        batch.stream().filter(pending -> pending.phase() == Phase.FLUSH).forEach(pending -> pending.written().complete(null));
    }

    /** Stops taking records and writes those queued, so a graceful shutdown loses no outcome. */
    @Override
    public void close() {
        // No interrupt: it would break a write under way; the writer sees the flag within its poll.
        closing = true;
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!queue.isEmpty()) {
            log.warn("{} audit records were still queued at shutdown and are not written", queue.size());
        }
    }
}
