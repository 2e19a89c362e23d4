package dev.knotless.outcomes.followup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.knotless.events.EventPayload;
import dev.knotless.events.Vocabulary.AlertRule;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import dev.knotless.events.Vocabulary.Technique;
import dev.knotless.outcomes.alert.AlertRules;
import dev.knotless.platform.messaging.EventCodec;
import dev.knotless.testsupport.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.mongodb.core.convert.MappingMongoConverter;
import org.springframework.data.mongodb.core.convert.MongoCustomConversions;
import org.springframework.data.mongodb.core.convert.NoOpDbRefResolver;
import org.springframework.data.mongodb.core.mapping.MongoMappingContext;

/**
 * The sweep's own rules, on an in-memory schedule and store (documents copied in and out, with
 * the version check): time order across pages after a long downtime, the overlap, conflicts.
 */
class FollowUpSweepTest {

    private static final Instant START = Instant.parse("2026-11-20T14:45:00.250Z");
    private static final FollowUpProperties PROPERTIES = new FollowUpProperties(Duration.ofHours(24), Duration.ofHours(48),
            Duration.ofHours(72), Duration.ofSeconds(30), Duration.ofMinutes(1));

    private final MutableClock clock = new MutableClock(START);
    private final Store store = new Store();
    private final FakeSchedule schedule = new FakeSchedule();
    private final FollowUpLifecycle lifecycle = new FollowUpLifecycle(store.repository, new AlertRules(AlertRules.Thresholds.DEFAULT),
            new EventCodec());
    private final FollowUpScheduler scheduler = new FollowUpScheduler(store.repository, schedule, lifecycle, PROPERTIES, clock);
    private final FollowUpSweep sweep = new FollowUpSweep(store.repository, schedule, lifecycle, PROPERTIES, clock, new SimpleMeterRegistry());

    @Test
    void afterALongDowntimeEveryTransitionIsRecordedPageByPageOldestClosingFirst() {
        sweep.sweep(); // a store that has been swept before
        var first = session(START.minus(Duration.ofHours(23)));
        var second = session(START.minus(Duration.ofHours(10)));

        clock.advance(Duration.ofHours(100)); // far more buckets than one page
        int moved = sweep.sweep();

        assertThat(moved).isEqualTo(4);
        for (UUID sessionId : List.of(first, second)) {
            assertThat(store.get(sessionId, Checkpoint.H24).status()).isEqualTo(FollowUpStatus.MISSED);
            assertThat(store.get(sessionId, Checkpoint.H48).status()).isEqualTo(FollowUpStatus.MISSED);
            assertThat(staged(store.get(sessionId, Checkpoint.H48))).anyMatch(p -> p instanceof EventPayload.AlertRaised raised
                    && raised.rule() == AlertRule.FOLLOW_UPS_MISSED);
        }
        // Saved in the time order of the first bucket naming each: H24s open at +1 h and +14 h, H48s at +25 h and +38 h.
        assertThat(store.saved).containsExactly(
                FollowUp.idOf(first, Checkpoint.H24), FollowUp.idOf(second, Checkpoint.H24),
                FollowUp.idOf(first, Checkpoint.H48), FollowUp.idOf(second, Checkpoint.H48));
        assertThat(schedule.sweptThrough).isEqualTo(FollowUpSchedule.bucketOf(clock.instant().minus(PROPERTIES.sweepOverlap()))
                .minus(FollowUpSchedule.BUCKET));
        assertThat(schedule.buckets.keySet()).allMatch(bucket -> Instant.parse(bucket).isAfter(schedule.sweptThrough));
    }

    @Test
    void aPassOpensAndClosesOnlyWhatIsDueAndLeavesTheRestScheduled() {
        sweep.sweep();
        var sessionId = session(START.minus(Duration.ofHours(47)));

        clock.advance(Duration.ofHours(1).minusSeconds(1));
        assertThat(sweep.sweep()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(sweep.sweep()).isEqualTo(2);

        assertThat(store.get(sessionId, Checkpoint.H24).status()).isEqualTo(FollowUpStatus.MISSED);
        assertThat(store.get(sessionId, Checkpoint.H48).status()).isEqualTo(FollowUpStatus.OPEN);
        assertThat(sweep.sweep()).as("a second pass over the overlap changes nothing").isZero();
    }

    @Test
    void aFollowUpInsertedAfterAPassReadItsBucketIsMovedByALaterPassWithinTheOverlap() {
        sweep.sweep();
        var sessionId = UUID.randomUUID();
        var h24 = followUp(sessionId, Checkpoint.H24, START.minus(Duration.ofHours(47)));
        lifecycle.advance(h24, clock.instant());
        schedule.add(List.of(h24), clock.instant()); // the handler scheduled it...
        clock.advance(Duration.ofHours(1).plusSeconds(10));
        assertThat(sweep.sweep()).isZero(); // ...the pass found the bucket but not yet the follow-up...
        store.insert(h24); // ...which the handler inserts now, as OPEN

        clock.advance(Duration.ofSeconds(30));
        assertThat(sweep.sweep()).isEqualTo(1);
        assertThat(store.get(sessionId, Checkpoint.H24).status()).isEqualTo(FollowUpStatus.MISSED);
    }

    @Test
    void aConflictingWriteIsReadBackAndTheTransitionMadeOnWhatItWrote() {
        sweep.sweep();
        var sessionId = session(START.minus(Duration.ofHours(47)));
        var h24 = FollowUp.idOf(sessionId, Checkpoint.H24);
        // A survey link issued while the sweep holds its copy.
        store.beforeNextSave(h24, current -> current.issueSurveyLink("hash-1", clock.instant()));

        clock.advance(Duration.ofHours(2));
        assertThat(sweep.sweep()).isEqualTo(2);

        assertThat(store.get(sessionId, Checkpoint.H24).status()).isEqualTo(FollowUpStatus.MISSED);
        assertThat(store.get(sessionId, Checkpoint.H24).tokenHash()).isEqualTo("hash-1");
        assertThat(staged(store.get(sessionId, Checkpoint.H24))).filteredOn(EventPayload.FollowUpMissed.class::isInstance).hasSize(1);
    }

    @Test
    void aFollowUpThatKeepsChangingHoldsTheProgressBackUntilAPassMovesIt() {
        sweep.sweep();
        var before = schedule.sweptThrough;
        var sessionId = session(START.minus(Duration.ofHours(47)));
        var h24 = FollowUp.idOf(sessionId, Checkpoint.H24);
        store.alwaysConflicting.add(h24);

        clock.advance(Duration.ofHours(2));
        sweep.sweep();
        assertThat(store.get(sessionId, Checkpoint.H24).status()).isEqualTo(FollowUpStatus.OPEN);
        assertThat(schedule.sweptThrough).isBefore(START.plus(Duration.ofHours(1))).isAfterOrEqualTo(before);

        store.alwaysConflicting.clear();
        clock.advance(Duration.ofHours(2));
        sweep.sweep();
        assertThat(store.get(sessionId, Checkpoint.H24).status()).isEqualTo(FollowUpStatus.MISSED);
        assertThat(store.get(sessionId, Checkpoint.H48).status()).isEqualTo(FollowUpStatus.OPEN);
    }

    @Test
    void aSweeperThatLosesTheRaceToAnotherInstanceRecordsNothingTwice() {
        var other = new FollowUpSweep(store.repository, schedule, lifecycle, PROPERTIES, clock, new SimpleMeterRegistry());
        sweep.sweep();
        var sessionId = session(START.minus(Duration.ofHours(47)));
        clock.advance(Duration.ofHours(2));
        // The other instance saves each follow-up between this one's read and its save.
        store.beforeNextSave(FollowUp.idOf(sessionId, Checkpoint.H24), current -> lifecycle.advance(current, clock.instant()));
        store.beforeNextSave(FollowUp.idOf(sessionId, Checkpoint.H48), current -> lifecycle.advance(current, clock.instant()));

        int moved = sweep.sweep() + other.sweep();

        assertThat(moved).isZero();
        assertThat(staged(store.get(sessionId, Checkpoint.H24))).filteredOn(EventPayload.FollowUpMissed.class::isInstance).hasSize(1);
        assertThat(staged(store.get(sessionId, Checkpoint.H48))).filteredOn(EventPayload.FollowUpOpened.class::isInstance).hasSize(1);
    }

    // ---------------------------------------------------------------- fixtures

    private UUID session(Instant endedAt) {
        var sessionId = UUID.randomUUID();
        var session = new EventPayload.SessionRecorded(sessionId, "t-1", endedAt.minus(Duration.ofMinutes(45)), endedAt, List.of(),
                List.of(), 6, 4, List.of(), false, false);
        scheduler.onSessionRecorded(dev.knotless.events.EventEnvelope.of(endedAt, UUID.randomUUID(), "clinic-a", session), session);
        return sessionId;
    }

    private static FollowUp followUp(UUID sessionId, Checkpoint checkpoint, Instant endedAt) {
        return FollowUp.schedule(sessionId, UUID.randomUUID(), "clinic-a", checkpoint, endedAt, List.of(Technique.DEEP),
                FollowUpWindow.of(checkpoint, endedAt, PROPERTIES.schedule()));
    }

    private static List<EventPayload> staged(FollowUp followUp) {
        var codec = new EventCodec();
        return followUp.outbox().stream().map(message -> codec.decode(message.envelope()).payload()).toList();
    }

    /** Follow-ups as documents with a version, so what the sweep holds is a copy and a stale save fails. */
    private static final class Store {

        private final MappingMongoConverter converter;
        private final Map<String, Document> documents = new HashMap<>();
        private final Map<String, Consumer<FollowUp>> interleaved = new HashMap<>();
        final Set<UUID> alwaysConflicting = new LinkedHashSet<>();
        final List<UUID> saved = new ArrayList<>();
        final FollowUpRepository repository = mock(FollowUpRepository.class);

        Store() {
            var conversions = new MongoCustomConversions(List.of());
            var mapping = new MongoMappingContext();
            mapping.setSimpleTypeHolder(conversions.getSimpleTypeHolder());
            mapping.afterPropertiesSet();
            converter = new MappingMongoConverter(NoOpDbRefResolver.INSTANCE, mapping);
            converter.setCustomConversions(conversions);
            converter.afterPropertiesSet();
            when(repository.insert(any(FollowUp.class))).thenAnswer(call -> insert(call.getArgument(0)));
            when(repository.save(any(FollowUp.class))).thenAnswer(call -> save(call.getArgument(0)));
            when(repository.findById(any(String.class))).thenAnswer(call -> Optional.ofNullable(read(call.getArgument(0))));
            when(repository.findAllById(any())).thenAnswer(call -> {
                List<FollowUp> found = new ArrayList<>();
                for (Object id : (Iterable<?>) call.getArgument(0)) {
                    Optional.ofNullable(read((String) id)).ifPresent(found::add);
                }
                return found;
            });
        }

        FollowUp insert(FollowUp followUp) {
            write(followUp, 0L);
            return followUp;
        }

        FollowUp get(UUID sessionId, Checkpoint checkpoint) {
            return read(FollowUp.idOf(sessionId, checkpoint).toString());
        }

        void beforeNextSave(UUID id, Consumer<FollowUp> otherWriter) {
            interleaved.put(id.toString(), otherWriter);
        }

        private FollowUp save(FollowUp followUp) {
            String id = followUp.id().toString();
            var other = interleaved.remove(id);
            if (other != null) {
                var theirs = read(id);
                other.accept(theirs);
                save(theirs);
                saved.removeLast();
            }
            long stored = documents.get(id).get("version", Number.class).longValue();
            if (alwaysConflicting.contains(followUp.id()) || followUp.version() == null || followUp.version() != stored) {
                throw new OptimisticLockingFailureException("version " + followUp.version() + " is not " + stored);
            }
            write(followUp, stored + 1);
            saved.add(followUp.id());
            return followUp;
        }

        private void write(FollowUp followUp, long version) {
            var document = new Document();
            converter.write(followUp, document);
            document.put("version", version);
            documents.put(followUp.id().toString(), document);
            try {
                var field = FollowUp.class.getDeclaredField("version");
                field.setAccessible(true);
                field.set(followUp, version);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        private FollowUp read(String id) {
            var document = documents.get(id);
            return document == null ? null : converter.read(FollowUp.class, Document.parse(document.toJson()));
        }
    }

    /** The schedule and progress in memory, with the real bucket arithmetic. */
    private static final class FakeSchedule extends FollowUpSchedule {

        final TreeMap<String, Set<String>> buckets = new TreeMap<>();
        Instant sweptThrough;

        FakeSchedule() {
            super(null);
        }

        @Override
        void add(List<FollowUp> followUps, Instant now) {
            for (FollowUp followUp : followUps) {
                for (Instant transition : List.of(followUp.opensAt(), followUp.closesAt())) {
                    if (transition.isAfter(now)) {
                        buckets.computeIfAbsent(idOf(transition), b -> new LinkedHashSet<>()).add(followUp.id().toString());
                    }
                }
            }
        }

        @Override
        List<Bucket> read(List<String> bucketIds) {
            return bucketIds.stream().filter(buckets::containsKey).map(id -> new Bucket(id, List.copyOf(buckets.get(id)))).toList();
        }

        @Override
        void forget(List<String> bucketIds) {
            bucketIds.forEach(buckets::remove);
        }

        @Override
        Optional<Instant> sweptThrough() {
            return Optional.ofNullable(sweptThrough);
        }

        @Override
        void recordSweptThrough(Instant bucket) {
            if (sweptThrough == null || bucket.isAfter(sweptThrough)) {
                sweptThrough = bucket;
            }
        }

        @Override
        Instant catchUp(Instant start) {
            sweptThrough = bucketOf(start).minus(BUCKET);
            return sweptThrough;
        }
    }
}
