package dev.knotless.outcomes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload;
import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.AlertRule;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import dev.knotless.events.Vocabulary.Technique;
import dev.knotless.outcomes.alert.AlertProjector;
import dev.knotless.outcomes.dashboard.DashboardProjector;
import dev.knotless.outcomes.timeline.TimelineProjector;
import dev.knotless.platform.audit.AuditStore;
import dev.knotless.platform.outbox.OutboxRelay;
import dev.knotless.testsupport.DocumentReads;
import dev.knotless.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;
import org.assertj.core.api.SoftAssertions;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DocumentCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/**
 * How many documents the alert lists, the dashboard, the timeline and their event handlers read,
 * measured by the embedded store ({@link DocumentReads}) at two data sizes: 200, then 2,000 more
 * alerts, follow-ups and timelines of another clinic, seeded straight into the store together with
 * the read-model documents the events would have built. A count that grows with the data is a scan.
 *
 * <p>Runs inside the embedded contract's Spring context (as a {@code @Nested} class there), after
 * the contract, once the store is quiet. The outbox relay is stopped while it measures (it reads
 * the documents each save hands it, which is its own business, not the operation's); each figure
 * is the smallest of a few runs, as the follow-up sweep may pass by.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ReadModelDocumentCounts {

    private static final Logger log = LoggerFactory.getLogger(ReadModelDocumentCounts.class);
    private static final String DATABASE = "knotless-outcomes";
    private static final int RUNS = 3;

    @Autowired
    MongoTemplate mongo;
    @Autowired
    MutableClock clock;
    @Autowired
    AlertProjector alertProjector;
    @Autowired
    TimelineProjector timelineProjector;
    @Autowired
    DashboardProjector dashboardProjector;
    @Autowired
    OutboxRelay relay;
    @Autowired
    AuditStore audit;
    @LocalServerPort
    int port;

    private RestClient http;
    /** The clinic being measured: its therapist makes the requests. */
    private String actingClinic;

    @BeforeAll
    void quiet() {
        http = SignedInClient.builder(port, clock, () -> actingClinic).defaultStatusHandler(status -> true, (req, res) -> { }).build();
        relay.stop();
    }

    /** Lets the acknowledgements staged meanwhile go out and be handled, so nothing is left running at the end. */
    @AfterAll
    void resume() {
        relay.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> mongo.getCollection("alerts")
                .countDocuments(new Document("outbox.0", new Document("$exists", true))) == 0);
        settle();
    }

    /** Waits until the store has read nothing for a quarter of a second. */
    private static void settle() {
        long[] last = {-1};
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> {
            long examined = DocumentReads.examined(DATABASE);
            boolean settled = examined == last[0];
            last[0] = examined;
            return settled;
        });
    }

    @Test
    void everyReadAndHandlerReadsAsManyDocumentsAt200AsAt2000() {
        var small = measure(seed("clinic-count-small-" + UUID.randomUUID(), 200));
        var large = measure(seed("clinic-count-large-" + UUID.randomUUID(), 2_000));

        log.info("Documents examined, 200 -> 2,000 of each: {}", small.keySet().stream()
                .map(op -> op + " " + small.get(op) + " -> " + large.get(op)).toList());
        var softly = new SoftAssertions();
        small.forEach((op, count) -> {
            softly.assertThat(large.get(op)).as("documents examined by %s at 2,000 (it was %d at 200)", op, count).isEqualTo(count);
            softly.assertThat(count).as("documents examined by %s", op).isPositive();
        });
        softly.assertThat(small.get("GET alerts?status=OPEN&limit=100")).as("the clinic's list, then the page by id, the audit counter")
                .isEqualTo(102);
        softly.assertThat(small.get("GET timeline")).as("the timeline and the audit counter").isEqualTo(2);
        softly.assertAll();
    }

    /** What one clinic holds, and the ids the operations use. */
    record Seeded(String clinicId, List<String> openAlerts, List<String> followUps, List<String> patients) {
    }

    private Map<String, Long> measure(Seeded s) {
        actingClinic = s.clinicId();
        // The audit trail's counter of the clinic's hour is created by its first request, which reads
        // nothing; made here, so that every request measured reads it (one document, by key).
        get("/api/patients/" + UUID.randomUUID() + "/timeline", 404);
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("GET alerts?status=OPEN&limit=100", min(i -> () -> get("/api/clinics/" + s.clinicId() + "/alerts?limit=100", 200)));
        counts.put("GET alerts?status=OPEN&page=3", min(i -> () -> get("/api/clinics/" + s.clinicId() + "/alerts?limit=20&page=3", 200)));
        counts.put("GET alerts?status=ACKNOWLEDGED", min(i -> () -> get("/api/clinics/" + s.clinicId() + "/alerts?status=ACKNOWLEDGED", 200)));
        counts.put("GET dashboard", min(i -> () -> get("/api/clinics/" + s.clinicId() + "/dashboard", 200)));
        counts.put("GET timeline", min(i -> () -> get("/api/patients/" + s.patients().get(i) + "/timeline", 200)));
        counts.put("POST acknowledge", min(i -> () -> acknowledge(s.openAlerts().get(i))));
        counts.put("AlertAcknowledged", min(i -> () -> alertProjector.onAlertAcknowledged(
                event(s, new EventPayload.AlertAcknowledged(UUID.fromString(s.openAlerts().get(i)), "t-1")),
                new EventPayload.AlertAcknowledged(UUID.fromString(s.openAlerts().get(i)), "t-1"))));
        counts.put("AlertRaised", min(i -> () -> {
            var raised = new EventPayload.AlertRaised(UUID.randomUUID(), AlertLevel.MEDIUM, AlertRule.SORENESS_NOT_SUBSIDING,
                    UUID.randomUUID(), UUID.randomUUID(), Checkpoint.H48);
            alertProjector.onAlertRaised(event(s, raised), raised);
        }));
        counts.put("AlertRaised again", min(i -> () -> {
            var raised = new EventPayload.AlertRaised(UUID.fromString(s.openAlerts().get(10 + i)), AlertLevel.HIGH, AlertRule.HIGH_SORENESS,
                    UUID.randomUUID(), UUID.randomUUID(), Checkpoint.H24);
            alertProjector.onAlertRaised(event(s, raised), raised);
        }));
        counts.put("timeline: SessionRecorded", min(i -> () -> timelineProjector.apply(EventEnvelope.of(clock.instant(),
                UUID.fromString(s.patients().get(10 + i)), s.clinicId(), session()))));
        counts.put("dashboard: FollowUpMissed", min(i -> () -> dashboardProjector.onFollowUp(event(s, null),
                UUID.fromString(s.followUps().get(i)), FollowUpStatus.MISSED, null)));
        counts.put("dashboard: FollowUpCompleted", min(i -> () -> dashboardProjector.onFollowUp(event(s, null),
                UUID.fromString(s.followUps().get(20 + i)), FollowUpStatus.COMPLETED, 3)));
        log.info("Median time for {} of each (informative, not asserted): open list {} µs, dashboard {} µs", s.patients().size(),
                medianMicros(() -> get("/api/clinics/" + s.clinicId() + "/alerts?limit=100", 200)),
                medianMicros(() -> get("/api/clinics/" + s.clinicId() + "/dashboard", 200)));
        log.info("Read-model sizes for {} of each: clinicAlerts {} bytes, clinicPatients {} bytes, largest clinicDays {} bytes",
                s.patients().size(), bytes("clinicAlerts", s.clinicId()), bytes("clinicPatients", s.clinicId()),
                mongo.getCollection("clinicDays").find(new Document("_id", new Document("$regex", "^" + s.clinicId() + "\\|")))
                        .map(d -> new RawBsonDocument(d, new DocumentCodec()).getByteBuffer().remaining()).into(new ArrayList<>())
                        .stream().mapToInt(Integer::intValue).max().orElse(0));
        return counts;
    }

    private static long medianMicros(Runnable request) {
        long[] micros = new long[31];
        for (int i = 0; i < micros.length; i++) {
            long start = System.nanoTime();
            request.run();
            micros[i] = (System.nanoTime() - start) / 1_000;
        }
        java.util.Arrays.sort(micros);
        return micros[micros.length / 2];
    }

    private int bytes(String collection, String id) {
        Document doc = mongo.getCollection(collection).find(new Document("_id", id)).first();
        return doc == null ? 0 : new RawBsonDocument(doc, new DocumentCodec()).getByteBuffer().remaining();
    }

    private long min(IntFunction<Runnable> operation) {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < RUNS; i++) {
            min = Math.min(min, DocumentReads.duringRequests(DATABASE, audit, operation.apply(i)));
        }
        return min;
    }

    private void get(String path, int expectedStatus) {
        var response = http.get().uri(path).retrieve().toEntity(String.class);
        assertThat(response.getStatusCode().value()).as("GET %s: %s", path, response.getBody()).isEqualTo(expectedStatus);
    }

    private void acknowledge(String alertId) {
        var response = http.post().uri("/api/alerts/" + alertId + "/acknowledge").contentType(MediaType.APPLICATION_JSON)
                .body("{}").retrieve().toEntity(String.class);
        assertThat(response.getStatusCode().value()).as("acknowledge: %s", response.getBody()).isEqualTo(200);
    }

    private EventEnvelope event(Seeded s, EventPayload payload) {
        return EventEnvelope.of(clock.instant(), UUID.fromString(s.patients().getFirst()), s.clinicId(),
                payload == null ? new EventPayload.PatientRegistered(clock.instant()) : payload);
    }

    private EventPayload.SessionRecorded session() {
        Instant ended = clock.instant().minus(Duration.ofHours(2));
        return new EventPayload.SessionRecorded(UUID.randomUUID(), "t-1", ended.minus(Duration.ofMinutes(40)), ended,
                List.of(new EventPayload.NeedlingSite("UPPER_TRAPEZIUS", dev.knotless.events.Vocabulary.Side.RIGHT, Technique.DEEP, 2, 60, true)),
                List.of(), 6, 3, List.of(), false, false);
    }

    // ---------------------------------------------------------------- seeding

    /**
     * {@code n} alerts (the first 50 acknowledged), {@code n} follow-ups of sessions over the last
     * 40 days, {@code n} timelines, and the read models a real flow would have built for them. The
     * follow-ups are recorded MISSED (so the sweep has nothing to do with them) and counted as
     * scheduled in their day documents (by close minute), as the projector leaves them.
     */
    private Seeded seed(String clinicId, int n) {
        Instant now = clock.instant();
        List<Document> alerts = new ArrayList<>();
        Document open = new Document();
        List<Document> acknowledged = new ArrayList<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        List<String> openIds = new ArrayList<>();
        List<String> patients = new ArrayList<>();
        List<Document> timelines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String patientId = UUID.randomUUID().toString();
            patients.add(patientId);
            timelines.add(new Document("_id", patientId).append("version", 0L).append("clinicId", clinicId)
                    .append("registeredAt", Date.from(now.minus(Duration.ofDays(60)))).append("entries", List.of())
                    .append("appliedEventIds", List.of()).append("figureChanges", List.of()));
        }
        for (int i = 0; i < n; i++) {
            String alertId = UUID.randomUUID().toString();
            AlertLevel level = AlertLevel.values()[i % 3];
            Instant raisedAt = now.minus(Duration.ofMinutes(i));
            boolean isAcknowledged = i < 50;
            alerts.add(new Document("_id", alertId).append("version", 0L).append("level", level.name())
                    .append("rule", AlertRule.HIGH_SORENESS.name()).append("status", isAcknowledged ? "ACKNOWLEDGED" : "OPEN")
                    .append("patientId", patients.get(i)).append("clinicId", clinicId).append("sessionId", UUID.randomUUID().toString())
                    .append("followUpId", UUID.randomUUID().toString()).append("checkpoint", "H24").append("raisedAt", Date.from(raisedAt))
                    .append("acknowledgedBy", isAcknowledged ? "t-1" : null)
                    .append("acknowledgedAt", isAcknowledged ? Date.from(now) : null).append("outbox", List.of()));
            if (isAcknowledged) {
                acknowledged.add(new Document("id", alertId).append("l", level.ordinal()).append("t", Date.from(raisedAt)).append("a", Date.from(now)));
            } else {
                openIds.add(alertId);
                open.append(alertId, new Document("l", level.ordinal()).append("t", Date.from(raisedAt)));
                counts.merge(level.name(), 1L, Long::sum);
            }
        }
        List<Document> followUps = new ArrayList<>();
        List<String> followUpIds = new ArrayList<>();
        Map<LocalDate, Document> days = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String id = UUID.randomUUID().toString();
            followUpIds.add(id);
            Instant ended = now.minus(Duration.ofHours(12L * (i % 80) + 100));
            Checkpoint checkpoint = i % 2 == 0 ? Checkpoint.H24 : Checkpoint.H48;
            Instant opens = ended.plus(Duration.ofHours(checkpoint == Checkpoint.H24 ? 24 : 48));
            followUps.add(new Document("_id", id).append("version", 0L).append("sessionId", UUID.randomUUID().toString())
                    .append("patientId", patients.get(i)).append("clinicId", clinicId).append("checkpoint", checkpoint.name())
                    .append("sessionEndedAt", Date.from(ended)).append("techniques", List.of("DEEP", "IMS"))
                    .append("opensAt", Date.from(opens)).append("closesAt", Date.from(opens.plus(Duration.ofHours(24))))
                    .append("status", "MISSED").append("closedAt", Date.from(opens.plus(Duration.ofHours(24))))
                    .append("dayCounted", "P").append("outbox", List.of()));
            LocalDate sessionDay = LocalDate.ofInstant(ended, ZoneOffset.UTC);
            var day = days.computeIfAbsent(sessionDay, d -> new Document("_id", clinicId + "|" + d)
                    .append("scheduled", new Document()).append("completed", new Document())
                    .append("activeCount", 0L)
                    .append("soreness", new Document("H24", new Document("DEEP", new Document("sum", 0L).append("n", 0L)))));
            // Counted by the minute its window closes, from the start of the session's day (CloseMinute).
            String closeMinute = Long.toString(Math.ceilDiv(opens.plus(Duration.ofHours(24)).getEpochSecond(), 60) - sessionDay.toEpochDay() * 1440);
            day.get("scheduled", Document.class).merge(closeMinute, 1, (a, b) -> (Integer) a + (Integer) b);
            day.put("activeCount", day.getLong("activeCount") + 1);
        }
        mongo.getCollection("timelines").insertMany(timelines);
        mongo.getCollection("alerts").insertMany(alerts);
        mongo.getCollection("followups").insertMany(followUps);
        mongo.getCollection("clinicDays").insertMany(new ArrayList<>(days.values()));
        mongo.getCollection("clinicPatients").insertOne(new Document("_id", clinicId).append("mcidCount", (long) n / 2));
        mongo.getCollection("clinicAlerts").insertOne(new Document("_id", clinicId).append("open", open)
                .append("count", new Document(counts)).append("acknowledged", acknowledged));
        settle();
        return new Seeded(clinicId, openIds, followUpIds, patients);
    }
}
