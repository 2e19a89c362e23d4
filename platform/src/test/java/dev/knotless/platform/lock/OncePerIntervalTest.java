package dev.knotless.platform.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import de.bwaldvogel.mongo.MongoServer;
import dev.knotless.embeddedstore.KeyedH2Backend;
import dev.knotless.platform.MovableTestClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two instances of a service, each with its own ShedLock executor, on one database of the embedded
 * store: a job runs on one of them per interval, and the locks are found by {@code _id} only.
 * ShedLock takes its time from its own JVM-wide {@link ClockProvider}, which these tests move (and
 * put back).
 */
class OncePerIntervalTest {

    private static final String DATABASE = "lock-test";
    private static final Duration INTERVAL = Duration.ofMinutes(10);

    private final KeyedH2Backend backend = new KeyedH2Backend();
    private final MongoServer server = new MongoServer(backend);
    private final List<BsonDocument> commands = new CopyOnWriteArrayList<>();
    private final MongoClient client = MongoClients.create(MongoClientSettings.builder()
            .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + server.bind().getPort()))
            .addCommandListener(new CommandListener() {
                @Override
                public void commandStarted(CommandStartedEvent event) {
                    commands.add(event.getCommand().clone());
                }
            })
            .build());
    private final MongoCollection<Document> locks = client.getDatabase(DATABASE).getCollection(KnotlessLockAutoConfiguration.COLLECTION);
    private final MovableTestClock clock = new MovableTestClock(Instant.parse("2026-11-20T15:00:00Z"));
    private final OncePerInterval first = new OncePerInterval(new DefaultLockingTaskExecutor(KnotlessLockAutoConfiguration.lockProvider(client.getDatabase(DATABASE))));
    private final OncePerInterval second = new OncePerInterval(new DefaultLockingTaskExecutor(KnotlessLockAutoConfiguration.lockProvider(client.getDatabase(DATABASE))));
    private final AtomicInteger runs = new AtomicInteger();

    {
        ClockProvider.setClock(clock);
    }

    @AfterEach
    void close() {
        ClockProvider.setClock(Clock.systemUTC());
        client.close();
        server.shutdownNow();
    }

    private List<Boolean> bothTakeTheirTurn() {
        List<Boolean> ran = new ArrayList<>();
        ran.add(first.run("purge", INTERVAL, runs::incrementAndGet));
        ran.add(second.run("purge", INTERVAL, runs::incrementAndGet));
        return ran;
    }

    @Test
    void aJobRunsOnOneInstancePerInterval() {
        assertThat(bothTakeTheirTurn()).containsExactly(true, false);

        clock.advance(INTERVAL.dividedBy(2));
        assertThat(bothTakeTheirTurn()).containsExactly(false, false);

        // Nine tenths of an interval after a run, the next turn (the holder's own comes a whole interval later) runs.
        clock.advance(INTERVAL.multipliedBy(4).dividedBy(10));
        assertThat(second.run("purge", INTERVAL, runs::incrementAndGet)).isTrue();
        assertThat(first.run("purge", INTERVAL, runs::incrementAndGet)).isFalse();

        assertThat(runs).hasValue(2);
        assertThat(first.run("another-job", INTERVAL, runs::incrementAndGet)).as("each job has its own lock").isTrue();
    }

    @Test
    void aJobHeldByAnInstanceThatDiedWhileRunningItIsFreeAnIntervalAfterItStarted() {
        locks.insertOne(new Document("_id", "purge").append("lockUntil", Date.from(clock.instant().plus(INTERVAL)))
                .append("lockedAt", Date.from(clock.instant())).append("lockedBy", "an-instance-that-died"));

        clock.advance(INTERVAL.minusMillis(1));
        assertThat(bothTakeTheirTurn()).containsExactly(false, false);

        clock.advance(Duration.ofMillis(1));
        assertThat(bothTakeTheirTurn()).containsExactly(true, false);
    }

    @Test
    void aJobThatFailsStillLetsItsLockGoAfterItsMinimumAndTheFailureReachesTheCaller() {
        assertThatThrownBy(() -> first.run("purge", INTERVAL, () -> {
            throw new IllegalStateException("store down");
        })).isInstanceOf(IllegalStateException.class).hasMessage("store down");
        clock.advance(INTERVAL.multipliedBy(9).dividedBy(10));
        assertThat(bothTakeTheirTurn()).containsExactly(true, false);
    }

    @Test
    void locksAreFoundByKeyWhateverTheNumberOfJobs() {
        bothTakeTheirTurn(); // the lock document is there from now on
        clock.advance(INTERVAL);
        long few = examinedByTwoTurns();
        List<Document> others = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            others.add(new Document("_id", "job-" + i).append("lockUntil", Date.from(clock.instant())));
        }
        locks.insertMany(others);
        clock.advance(INTERVAL);

        // Looked at and taken, let go; looked at and refused: the lock document each time, never the other thousand.
        assertThat(examinedByTwoTurns()).isEqualTo(few).isLessThanOrEqualTo(4);
    }

    @Test
    void aHeldLockIsRefusedByALookWithoutTheUpsertWhoseDuplicateKeyTheEmbeddedStoreLogsAsAnError() {
        first.run("purge", INTERVAL, runs::incrementAndGet);
        commands.clear();

        assertThat(second.run("purge", INTERVAL, runs::incrementAndGet)).isFalse();

        assertThat(commands).singleElement().satisfies(find -> {
            assertThat(find.getString("find").getValue()).isEqualTo(KnotlessLockAutoConfiguration.COLLECTION);
            assertThat(find.getDocument("filter")).isEqualTo(new BsonDocument("_id", new org.bson.BsonString("purge")));
        });
    }

    private long examinedByTwoTurns() {
        long before = backend.documentsExamined().in(DATABASE);
        bothTakeTheirTurn();
        return backend.documentsExamined().in(DATABASE) - before;
    }
}
