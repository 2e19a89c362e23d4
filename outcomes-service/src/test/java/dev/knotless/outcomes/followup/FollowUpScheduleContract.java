package dev.knotless.outcomes.followup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import dev.knotless.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.Sort.Direction;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.index.IndexInfo;

/**
 * The follow-up schedule in the real store (nested in the outcomes ITs, sharing their context):
 * what a SessionRecorded writes there, and a store from before the schedule caught up once and
 * rid of the indexes the old queries needed.
 */
public abstract class FollowUpScheduleContract {

    @Autowired
    MongoTemplate mongo;
    @Autowired
    FollowUpScheduler scheduler;
    @Autowired
    FollowUpSweep sweep;
    @Autowired
    FollowUpRepository followUps;
    @Autowired
    MutableClock clock;

    @Test
    void aSessionSchedulesOnlyTheTransitionsStillToCome() {
        var ended = clock.instant().minus(Duration.ofHours(30));
        var sessionId = session(ended);
        var h24 = FollowUp.idOf(sessionId, Checkpoint.H24).toString();
        var h48 = FollowUp.idOf(sessionId, Checkpoint.H48).toString();

        assertThat(idsIn(ended.plus(Duration.ofHours(24)))).doesNotContain(h24); // opened before it was recorded
        assertThat(idsIn(ended.plus(Duration.ofHours(48)))).contains(h24, h48);
        assertThat(idsIn(ended.plus(Duration.ofHours(72)))).contains(h48).doesNotContain(h24);
    }

    @Test
    void aStoreFromBeforeTheScheduleIsCaughtUpOnTheFirstPass() {
        var sessionId = session(clock.instant().minus(Duration.ofHours(47)));
        // As a store written before the schedule existed: neither schedule nor progress.
        mongo.dropCollection(FollowUpSchedule.COLLECTION);
        mongo.dropCollection(FollowUpSchedule.PROGRESS_COLLECTION);

        clock.advance(Duration.ofHours(2));
        sweep.sweep();

        assertThat(followUps.findById(FollowUp.idOf(sessionId, Checkpoint.H24).toString())).get()
                .extracting(FollowUp::status).isEqualTo(FollowUpStatus.MISSED);
        assertThat(followUps.findById(FollowUp.idOf(sessionId, Checkpoint.H48).toString())).get()
                .extracting(FollowUp::status).isEqualTo(FollowUpStatus.OPEN);
        var h48Closes = followUps.findById(FollowUp.idOf(sessionId, Checkpoint.H48).toString()).orElseThrow().closesAt();
        assertThat(idsIn(h48Closes)).contains(FollowUp.idOf(sessionId, Checkpoint.H48).toString());
        assertThat(mongo.findById("progress", Document.class, FollowUpSchedule.PROGRESS_COLLECTION)).isNotNull();
    }

    @Test
    void theIndexesOfTheOldQueriesAreDroppedFromAStoreThatHasThem() {
        var indexes = mongo.indexOps(FollowUp.class);
        indexes.createIndex(new Index("sessionId", Direction.ASC).named("sessionId"));
        indexes.createIndex(new Index("status", Direction.ASC).on("closesAt", Direction.ASC).named("status_closesAt"));
        indexes.createIndex(new Index("clinicId", Direction.ASC).on("sessionEndedAt", Direction.ASC).named("clinicId_sessionEndedAt"));

        new FollowUpIndexes(mongo).afterPropertiesSet();

        assertThat(indexes.getIndexInfo()).extracting(IndexInfo::getName)
                .contains("tokenHash_unique").doesNotContain("sessionId", "status_closesAt", "status_opensAt", "clinicId_sessionEndedAt");
    }

    private List<String> idsIn(Instant transition) {
        var bucket = mongo.findById(FollowUpSchedule.idOf(transition), Document.class, FollowUpSchedule.COLLECTION);
        return bucket == null ? List.of() : bucket.getList(FollowUpSchedule.IDS, String.class);
    }

    private UUID session(Instant endedAt) {
        var sessionId = UUID.randomUUID();
        var session = new EventPayload.SessionRecorded(sessionId, "t-1", endedAt.minus(Duration.ofMinutes(45)), endedAt, List.of(),
                List.of(), 6, 4, List.of(), false, false);
        scheduler.onSessionRecorded(EventEnvelope.of(endedAt, UUID.randomUUID(), "clinic-schedule", session), session);
        return sessionId;
    }
}
