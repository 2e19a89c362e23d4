package dev.knotless.platform.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.knotless.platform.audit.AuditWriter.Pending;
import dev.knotless.platform.audit.AuditWriter.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The group commit alone: what queues while a batch is written goes out together, in order. */
class AuditWriterTest {

    @Test
    void recordsQueuedWhileABatchIsWrittenGoOutTogetherInTheirOrder() throws Exception {
        var firstBatchHeld = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        try (var writer = new AuditWriter(100, 50, Duration.ofSeconds(1), batch -> {
            batches.add(batch.stream().map(Pending::status).toList());
            if (batches.size() == 1) {
                firstBatchHeld.countDown();
                awaitReleased(release);
            }
            batch.forEach(pending -> pending.written().complete(null));
        })) {
            List<Pending> submitted = new ArrayList<>();
            submitted.add(pending(0));
            assertThat(writer.submit(submitted.getFirst())).isTrue();
            assertThat(firstBatchHeld.await(5, TimeUnit.SECONDS)).isTrue();
            for (int i = 1; i <= 102; i++) {
                Pending pending = pending(i);
                submitted.add(pending);
                if (i <= 100) {
                    assertThat(writer.submit(pending)).as("queued while the first batch is written").isTrue();
                } else {
                    assertThat(writer.submit(pending)).as("the queue is full: refused after the wait").isFalse();
                }
            }
            release.countDown();
            writer.flush(Duration.ofSeconds(5));

            assertThat(batches).hasSize(3);
            assertThat(batches.get(0)).containsExactly(0);
            assertThat(batches.get(1)).hasSize(50).startsWith(1, 2, 3).endsWith(50);
            assertThat(batches.get(2)).hasSize(50).startsWith(51).endsWith(100);
            assertThat(submitted.subList(0, 101)).allSatisfy(pending -> assertThat(pending.written()).isCompleted());
        }
    }

    @Test
    void aBatchThatFailsFailsEachOfItsRecordsAndTheWriterGoesOn() {
        var attempts = new CopyOnWriteArrayList<Integer>();
        try (var writer = new AuditWriter(10, 10, Duration.ofSeconds(1), batch -> {
            attempts.add(batch.size());
            if (batch.getFirst().status() == 500) {
                throw new IllegalStateException("store down");
            }
            batch.forEach(pending -> pending.written().complete(null));
        })) {
            Pending failing = pending(500);
            writer.submit(failing);
            await().atMost(Duration.ofSeconds(5)).until(() -> failing.written().isDone());
            assertThat(failing.written()).isCompletedExceptionally();

            Pending next = pending(200);
            writer.submit(next);
            await().atMost(Duration.ofSeconds(5)).until(() -> next.written().isDone());
            assertThat(next.written()).isCompleted().isNotCompletedExceptionally();
        }
    }

    private static Pending pending(int status) {
        return new Pending(null, Phase.OUTCOME, Instant.EPOCH, status, new CompletableFuture<>());
    }

    private static void awaitReleased(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
