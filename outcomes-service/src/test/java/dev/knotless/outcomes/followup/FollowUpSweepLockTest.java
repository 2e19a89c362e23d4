package dev.knotless.outcomes.followup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockingDetails;
import static org.mockito.Mockito.when;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import dev.knotless.embeddedstore.KeyedH2Backend;
import dev.knotless.platform.lock.KnotlessLockAutoConfiguration;
import dev.knotless.testsupport.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import net.javacrumbs.shedlock.core.ClockProvider;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * Two instances of outcomes-service on one database, each with its sweep under platform's lock (two
 * Spring contexts, the sweep's collaborators mocked): whenever both take their turn, the sweep runs
 * once per interval. ShedLock's clock is its own JVM-wide {@link ClockProvider}; this test moves it.
 */
class FollowUpSweepLockTest {

    private static final Duration INTERVAL = Duration.ofSeconds(30);

    private final MongoServer server = new MongoServer(new KeyedH2Backend());
    private final MongoClient client = MongoClients.create(MongoClientSettings.builder()
            .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + server.bind().getPort())).build());
    private final MutableClock lockClock = new MutableClock(Instant.parse("2026-11-20T15:00:00Z"));
    private final FollowUpSchedule schedule = mock(FollowUpSchedule.class);

    private ApplicationContextRunner instance() {
        var properties = new FollowUpProperties(Duration.ofHours(24), Duration.ofHours(48), Duration.ofHours(72), INTERVAL,
                Duration.ofMinutes(1));
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(KnotlessLockAutoConfiguration.class))
                .withPropertyValues("knotless.outcomes.follow-up.sweep-interval=" + INTERVAL.toSeconds() + "s")
                .withBean(MongoTemplate.class, () -> new MongoTemplate(client, "knotless-outcomes"))
                .withBean(FollowUpSweep.class, () -> new FollowUpSweep(mock(FollowUpRepository.class), schedule,
                        mock(FollowUpLifecycle.class), properties, Clock.systemUTC(), new SimpleMeterRegistry()))
                .withBean(FollowUpSweepJob.class);
    }

    /** Passes that ran, counted by their first read of the schedule. */
    private long passes() {
        return mockingDetails(schedule).getInvocations().stream().filter(call -> call.getMethod().getName().equals("sweptThrough")).count();
    }

    @AfterEach
    void close() {
        ClockProvider.setClock(Clock.systemUTC());
        client.close();
        server.shutdownNow();
    }

    @Test
    void twoInstancesSweepOncePerInterval() {
        ClockProvider.setClock(lockClock);
        // Progress at the present: a pass reads nothing more.
        when(schedule.sweptThrough()).thenAnswer(call -> Optional.of(Instant.now()));

        instance().run(first -> instance().run(second -> {
            var firstSweep = first.getBean(FollowUpSweepJob.class);
            var secondSweep = second.getBean(FollowUpSweepJob.class);

            firstSweep.run();
            secondSweep.run();
            assertThat(passes()).isEqualTo(1);

            lockClock.advance(INTERVAL.minusSeconds(1));
            secondSweep.run();
            firstSweep.run();
            assertThat(passes()).as("within the interval of the first pass").isEqualTo(1);

            lockClock.advance(Duration.ofSeconds(1));
            secondSweep.run();
            firstSweep.run();
            assertThat(passes()).isEqualTo(2);

            Document lock = client.getDatabase("knotless-outcomes").getCollection(KnotlessLockAutoConfiguration.COLLECTION)
                    .find(new Document("_id", FollowUpSweepJob.JOB)).first();
            assertThat(lock).as("the lock, named after the job").isNotNull();
            assertThat(lock.getDate("lockUntil").toInstant()).isEqualTo(lockClock.instant().plus(INTERVAL));
        }));
    }

    @Test
    void theSweepItselfIsNotLockedNorProxied() {
        when(schedule.sweptThrough()).thenAnswer(call -> Optional.of(Instant.now()));
        instance().run(context -> {
            context.getBean(FollowUpSweepJob.class).run();
            var sweep = context.getBean(FollowUpSweep.class);
            sweep.sweep(); // what tests call: not the scheduled job, so not held back
            assertThat(passes()).isEqualTo(2);
            assertThat(org.springframework.aop.support.AopUtils.isAopProxy(sweep)).as("a plain object, whose monitor tests hold").isFalse();
        });
    }
}
