package dev.knotless.outcomes.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload;
import dev.knotless.events.EventPayload.NeedlingSite;
import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.AlertRule;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import dev.knotless.events.Vocabulary.NeedlingClearance;
import dev.knotless.events.Vocabulary.Side;
import dev.knotless.events.Vocabulary.Technique;
import dev.knotless.outcomes.alert.Alert;
import dev.knotless.outcomes.alert.AlertProjector;
import dev.knotless.outcomes.alert.ClinicAlerts;
import dev.knotless.outcomes.followup.FollowUp;
import dev.knotless.outcomes.timeline.ClinicDays;
import dev.knotless.outcomes.timeline.TimelineProjector;
import dev.knotless.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.web.client.RestClient;

/**
 * The start-up backfill of the clinic read models in the real store (nested in the embedded IT,
 * sharing its context): a clinic's alerts, follow-ups and timelines are first projected by the
 * event handlers, the answers of the open and acknowledged lists and of the dashboard noted; then
 * the store is made as an older version left it (no read models, timelines without their figure
 * state, no marker), with what a start stopped half-way leaves; the backfill runs, and the answers
 * must be the same. Run again, it changes nothing.
 */
public abstract class ClinicReadModelsBackfillContract {

    @Autowired
    MongoTemplate mongo;
    @Autowired
    MutableClock clock;
    @Autowired
    ClinicReadModelsBackfill backfill;
    @Autowired
    AlertProjector alertProjector;
    @Autowired
    TimelineProjector timelineProjector;
    @Autowired
    DashboardProjector dashboardProjector;
    @Autowired
    ClinicAlerts clinicAlerts;
    @LocalServerPort
    int port;

    private RestClient http;

    @BeforeEach
    void client() {
        // Every request names its clinic in the path: the therapist of that clinic asks.
        http = dev.knotless.outcomes.SignedInClient.builder(port, clock, () -> {
            throw new IllegalStateException("no clinic in the path");
        }).build();
    }

    @Test
    void theServiceTakesRequestsOnlyOnceTheBackfillHasRun() {
        // The context started on an empty store: nothing to build, the marker written before the web server started.
        assertThat(mongo.findById(ClinicReadModelsBackfill.MARKER, Document.class, ClinicReadModelsBackfill.MIGRATIONS)).isNotNull();
    }

    @Test
    void aStoreFromBeforeTheReadModelsAnswersAsTheEventsWouldHaveMadeItAndASecondRunChangesNothing() {
        String clinic = "clinic-backfill-" + UUID.randomUUID();
        List<UUID> patients = seedThroughTheEventHandlers(clinic);
        String open = get("/api/clinics/" + clinic + "/alerts");
        String acknowledged = get("/api/clinics/" + clinic + "/alerts?status=ACKNOWLEDGED");
        String dashboard = get("/api/clinics/" + clinic + "/dashboard");
        assertThat(open).contains("\"HIGH\"", "\"MEDIUM\"").doesNotContain("\"LOW\"");
        assertThat(acknowledged).contains("\"LOW\"");
        assertThat(dashboard).contains("\"activePatients\":3", "\"patientsReachingPainMcid\":1", "\"HIGH\":1", "\"MEDIUM\":1", "\"LOW\":0");

        asAnOlderVersionLeftIt(clinic, patients);
        assertThat(get("/api/clinics/" + clinic + "/alerts")).as("the failure the backfill prevents").isEqualTo("[]");
        aRunStoppedHalfWay(clinic, patients.getFirst(), clock.instant().minus(Duration.ofDays(2)));

        mongo.remove(Query.query(Criteria.where("_id").is(ClinicReadModelsBackfill.MARKER)), ClinicReadModelsBackfill.MIGRATIONS);
        backfill.afterPropertiesSet();

        assertThat(get("/api/clinics/" + clinic + "/alerts")).isEqualTo(open);
        assertThat(get("/api/clinics/" + clinic + "/alerts?status=ACKNOWLEDGED")).isEqualTo(acknowledged);
        assertThat(get("/api/clinics/" + clinic + "/dashboard")).isEqualTo(dashboard);
        assertThat(mongo.findById(ClinicReadModelsBackfill.MARKER, Document.class, ClinicReadModelsBackfill.MIGRATIONS)).isNotNull();

        var built = readModels(clinic);
        mongo.remove(Query.query(Criteria.where("_id").is(ClinicReadModelsBackfill.MARKER)), ClinicReadModelsBackfill.MIGRATIONS);
        backfill.afterPropertiesSet();

        assertThat(readModels(clinic)).as("the read-model documents after a second run").isEqualTo(built);
        assertThat(get("/api/clinics/" + clinic + "/alerts")).isEqualTo(open);
        assertThat(get("/api/clinics/" + clinic + "/dashboard")).isEqualTo(dashboard);
    }

    @Test
    void aRunThatFindsItsMarkerReadsNothingElse() {
        String clinic = "clinic-backfill-marked-" + UUID.randomUUID();
        asAnOlderVersionLeftIt(clinic, seedThroughTheEventHandlers(clinic));

        backfill.afterPropertiesSet(); // the marker is there: nothing is built

        assertThat(get("/api/clinics/" + clinic + "/alerts")).isEqualTo("[]");
    }

    /**
     * The previous version's day documents (a letter and a close time per follow-up, completed and
     * missed as plain counts) are rebuilt once, by close minute, from the follow-ups: the dashboard
     * answers as before, the patient figures are kept, no per-follow-up state is left; a second run
     * changes nothing.
     */
    @Test
    void dayDocumentsOfThePreviousVersionAreRebuiltByCloseMinuteOnce() {
        String clinic = "clinic-days-upgrade-" + UUID.randomUUID();
        seedThroughTheEventHandlers(clinic);
        String dashboard = get("/api/clinics/" + clinic + "/dashboard");
        assertThat(dashboard).contains("\"activePatients\":3", "\"followUpResponseRate\":0.75");

        asThePreviousVersionLeftTheDays(clinic);
        assertThat(get("/api/clinics/" + clinic + "/dashboard")).as("what the rebuild repairs").doesNotContain("0.75");
        mongo.remove(Query.query(Criteria.where("_id").is(ClinicReadModelsBackfill.DAYS_MARKER)), ClinicReadModelsBackfill.MIGRATIONS);
        backfill.afterPropertiesSet();

        assertThat(get("/api/clinics/" + clinic + "/dashboard")).isEqualTo(dashboard);
        var days = mongo.find(Query.query(Criteria.where("_id").regex("^" + clinic + "\\|")), Document.class, "clinicDays");
        assertThat(days).isNotEmpty().allSatisfy(day -> {
            assertThat(day).doesNotContainKeys("fu", "pending", "missed");
            Document inflight = day.get("inflight", Document.class);
            long markers = inflight == null ? 0 : inflight.values().stream().mapToLong(m -> ((Document) m).size()).sum();
            assertThat(markers).as("markers left in %s", day.get("_id")).isZero();
        });
        assertThat(mongo.find(Query.query(Criteria.where("clinicId").is(clinic)), Document.class, "followups"))
                .extracting(f -> f.getString("dayCounted")).containsOnly("P", "C").hasSize(6);
        assertThat(mongo.findById(ClinicReadModelsBackfill.DAYS_MARKER, Document.class, ClinicReadModelsBackfill.MIGRATIONS)).isNotNull();

        var rebuilt = readModels(clinic);
        mongo.remove(Query.query(Criteria.where("_id").is(ClinicReadModelsBackfill.DAYS_MARKER)), ClinicReadModelsBackfill.MIGRATIONS);
        backfill.afterPropertiesSet();
        assertThat(readModels(clinic)).as("the read-model documents after a second run").isEqualTo(rebuilt);

        backfill.afterPropertiesSet(); // the marker is there: nothing is read again
        assertThat(get("/api/clinics/" + clinic + "/dashboard")).isEqualTo(dashboard);
    }

    /**
     * Patient figures in the previous form (a map of patients next to each counter, in the day
     * documents and {@code clinicPatients}) lose their maps once, and the dashboard answers as
     * before: a change a crash left queued in a timeline after applying it in that form is not
     * counted again, one saved but never handed over is counted now; a second run changes nothing.
     */
    @Test
    void patientMapsOfThePreviousVersionGoOnceAndTheDashboardStaysTheSame() {
        String clinic = "clinic-patient-maps-" + UUID.randomUUID();
        List<UUID> patients = seedThroughTheEventHandlers(clinic);
        String dashboard = get("/api/clinics/" + clinic + "/dashboard");
        assertThat(dashboard).contains("\"activePatients\":3", "\"patientsReachingPainMcid\":1");

        asThePreviousVersionLeftThePatientFigures(clinic, patients.getFirst());
        assertThat(get("/api/clinics/" + clinic + "/dashboard")).as("the change the migration finishes")
                .contains("\"patientsReachingPainMcid\":0");
        mongo.remove(Query.query(Criteria.where("_id").is(ClinicReadModelsBackfill.PATIENTS_MARKER)), ClinicReadModelsBackfill.MIGRATIONS);
        backfill.afterPropertiesSet();

        assertThat(get("/api/clinics/" + clinic + "/dashboard")).isEqualTo(dashboard);
        var days = mongo.find(Query.query(Criteria.where("_id").regex("^" + clinic + "\\|")), Document.class, "clinicDays");
        assertThat(days).isNotEmpty().allSatisfy(day -> assertThat(day).doesNotContainKey("active"));
        assertThat(mongo.findById(clinic, Document.class, "clinicPatients")).doesNotContainKey("mcid").containsEntry("mcidCount", 1);
        assertThat(mongo.find(Query.query(Criteria.where("clinicId").is(clinic)), Document.class, "timelines"))
                .allSatisfy(timeline -> assertThat(timeline.getList("figureChanges", Document.class)).isEmpty());
        assertThat(mongo.findById(ClinicReadModelsBackfill.PATIENTS_MARKER, Document.class, ClinicReadModelsBackfill.MIGRATIONS)).isNotNull();

        var migrated = readModels(clinic);
        mongo.remove(Query.query(Criteria.where("_id").is(ClinicReadModelsBackfill.PATIENTS_MARKER)), ClinicReadModelsBackfill.MIGRATIONS);
        backfill.afterPropertiesSet();
        assertThat(readModels(clinic)).as("the read-model documents after a second run").isEqualTo(migrated);
        assertThat(get("/api/clinics/" + clinic + "/dashboard")).isEqualTo(dashboard);
    }

    /**
     * The clinic's patient figures as the previous version kept them: {@code active.<patient>} in
     * the day of each timeline's {@code activeDay}, {@code mcid.<patient>} for those at the MCID, no
     * markers. And what a crash left: the first patient's timeline still queues its ACTIVE_ADD (the
     * day holds it) and an MCID_ADD saved but never handed over (not in the map or the counter).
     */
    private void asThePreviousVersionLeftThePatientFigures(String clinic, UUID patient) {
        var mcid = new Document();
        for (Document timeline : mongo.find(Query.query(Criteria.where("clinicId").is(clinic)), Document.class, "timelines")) {
            String id = timeline.getString("_id");
            if (timeline.getString("activeDay") != null) {
                mongo.updateFirst(Query.query(Criteria.where("_id").is(clinic + "|" + timeline.getString("activeDay"))),
                        new Update().set("active." + id, true), "clinicDays");
            }
            if (Boolean.TRUE.equals(timeline.getBoolean("mcidReached")) && !id.equals(patient.toString())) {
                mcid.append(id, true);
            }
        }
        mongo.updateMulti(Query.query(Criteria.where("_id").regex("^" + clinic + "\\|")), new Update().unset("inflight.F"), "clinicDays");
        mongo.updateFirst(Query.query(Criteria.where("_id").is(clinic)), new Update().set("mcid", mcid).inc("mcidCount", -1)
                .unset("inflight"), "clinicPatients");
        String day = mongo.findById(patient.toString(), Document.class, "timelines").getString("activeDay");
        mongo.updateFirst(Query.query(Criteria.where("_id").is(patient.toString())), new Update().set("figureChanges", List.of(
                new Document("changeId", UUID.randomUUID().toString()).append("kind", "ACTIVE_ADD").append("day", day),
                new Document("changeId", UUID.randomUUID().toString()).append("kind", "MCID_ADD"))), "timelines");
        assertThat(mongo.findById(clinic + "|" + day, Document.class, "clinicDays")).containsKey("active");
    }

    /** The clinic's day documents in the previous form, the follow-ups without {@code dayCounted}; patients and soreness as they were. */
    private void asThePreviousVersionLeftTheDays(String clinic) {
        Map<String, Document> old = new LinkedHashMap<>();
        for (Document f : mongo.find(Query.query(Criteria.where("clinicId").is(clinic)), Document.class, "followups")) {
            String id = clinic + "|" + ClinicDays.of(f.getDate("sessionEndedAt").toInstant());
            var day = old.computeIfAbsent(id, d -> new Document("fu", new Document()).append("pending", new Document())
                    .append("completed", 0).append("missed", 0));
            String status = f.getString("status");
            String key = f.getString("_id");
            switch (status) {
                case "COMPLETED" -> {
                    day.get("fu", Document.class).append(key, "C");
                    day.put("completed", day.getInteger("completed") + 1);
                }
                case "MISSED" -> {
                    day.get("fu", Document.class).append(key, "M");
                    day.put("missed", day.getInteger("missed") + 1);
                }
                default -> {
                    day.get("fu", Document.class).append(key, "P");
                    day.get("pending", Document.class).append(key, f.getDate("closesAt"));
                }
            }
        }
        old.forEach((id, fields) -> {
            var update = new Update().unset("scheduled").unset("inflight");
            fields.forEach(update::set);
            mongo.updateFirst(Query.query(Criteria.where("_id").is(id)), update, "clinicDays");
        });
        mongo.updateMulti(Query.query(Criteria.where("clinicId").is(clinic)), new Update().unset("dayCounted"), "followups");
    }

    // ---------------------------------------------------------------- seeding

    /**
     * Three patients, one at the pain MCID (7 at intake, 4 after the session), all active; their
     * follow-ups written straight into the store (completed with soreness, missed, still open, not
     * yet open) and handed to the dashboard's handler as their events would; three alerts raised
     * through the alert handler, the LOW one then acknowledged.
     */
    private List<UUID> seedThroughTheEventHandlers(String clinic) {
        Instant now = clock.instant();
        UUID atMcid = UUID.randomUUID();
        UUID notAtMcid = UUID.randomUUID();
        UUID first = patient(atMcid, clinic, 7, now.minus(Duration.ofDays(2)), 6, 4);
        UUID second = patient(notAtMcid, clinic, 5, now.minus(Duration.ofDays(5)), 5, 5);
        UUID third = UUID.randomUUID();
        UUID recent = patient(third, clinic, 6, now.minus(Duration.ofHours(30)), 6, 6);

        followUp(atMcid, clinic, first, now.minus(Duration.ofDays(2)), Checkpoint.H24, FollowUpStatus.COMPLETED, 6);
        followUp(atMcid, clinic, first, now.minus(Duration.ofDays(2)), Checkpoint.H48, FollowUpStatus.COMPLETED, 3);
        followUp(notAtMcid, clinic, second, now.minus(Duration.ofDays(5)), Checkpoint.H24, FollowUpStatus.MISSED, null);
        followUp(notAtMcid, clinic, second, now.minus(Duration.ofDays(5)), Checkpoint.H48, FollowUpStatus.COMPLETED, 8);
        followUp(third, clinic, recent, now.minus(Duration.ofHours(30)), Checkpoint.H24, FollowUpStatus.OPEN, null);
        followUp(third, clinic, recent, now.minus(Duration.ofHours(30)), Checkpoint.H48, FollowUpStatus.SCHEDULED, null);

        raise(atMcid, clinic, AlertLevel.HIGH, now.minus(Duration.ofHours(3)));
        raise(notAtMcid, clinic, AlertLevel.MEDIUM, now.minus(Duration.ofHours(2)));
        UUID low = raise(notAtMcid, clinic, AlertLevel.LOW, now.minus(Duration.ofHours(1)));
        // As the acknowledge endpoint saves it; then its event's handler (not the relay: nothing arrives later).
        mongo.updateFirst(Query.query(Criteria.where("_id").is(low.toString())),
                new Update().set("status", "ACKNOWLEDGED").set("acknowledgedBy", "t-1").set("acknowledgedAt", now), "alerts");
        var ack = new EventPayload.AlertAcknowledged(low, "t-1");
        alertProjector.onAlertAcknowledged(EventEnvelope.of(now, notAtMcid, clinic, ack), ack);
        return List.of(atMcid, notAtMcid, third);
    }

    /** Registration, intake and one session, through the timeline's handler; returns the session id. */
    private UUID patient(UUID patientId, String clinic, int intakePain, Instant sessionEnded, int painBefore, int painAfter) {
        Instant registered = sessionEnded.minus(Duration.ofDays(10));
        timelineProjector.apply(EventEnvelope.of(registered, patientId, clinic, new EventPayload.PatientRegistered(registered)));
        timelineProjector.apply(EventEnvelope.of(registered, patientId, clinic, new EventPayload.IntakeCompleted(UUID.randomUUID(),
                registered, "t-1", List.of(), intakePain, NeedlingClearance.CLEARED, List.of(), List.of())));
        UUID sessionId = UUID.randomUUID();
        timelineProjector.apply(EventEnvelope.of(sessionEnded, patientId, clinic, new EventPayload.SessionRecorded(sessionId, "t-1",
                sessionEnded.minus(Duration.ofMinutes(45)), sessionEnded,
                List.of(new NeedlingSite("UPPER_TRAPEZIUS", Side.RIGHT, Technique.DEEP, 2, 60, true),
                        new NeedlingSite("LEVATOR_SCAPULAE", Side.RIGHT, Technique.IMS, 1, 30, true)),
                List.of(), painBefore, painAfter, List.of(), false, false)));
        return sessionId;
    }

    private void followUp(UUID patientId, String clinic, UUID sessionId, Instant sessionEnded, Checkpoint checkpoint,
            FollowUpStatus status, Integer soreness) {
        String id = FollowUp.idOf(sessionId, checkpoint).toString();
        Instant opens = sessionEnded.plus(Duration.ofHours(checkpoint == Checkpoint.H24 ? 24 : 48));
        Instant closes = opens.plus(Duration.ofHours(24));
        var doc = new Document("_id", id).append("version", 0L).append("sessionId", sessionId.toString())
                .append("patientId", patientId.toString()).append("clinicId", clinic).append("checkpoint", checkpoint.name())
                .append("sessionEndedAt", Date.from(sessionEnded)).append("techniques", List.of("DEEP", "IMS"))
                .append("opensAt", Date.from(opens)).append("closesAt", Date.from(closes)).append("status", status.name())
                .append("outbox", List.of());
        if (status == FollowUpStatus.COMPLETED) {
            doc.append("completedAt", Date.from(opens.plus(Duration.ofHours(1)))).append("answers", new Document("soreness", soreness)
                    .append("pain", 3).append("bruising", false).append("fatigue", false).append("lightheaded", false)
                    .append("adverseEventSeverity", "NONE"));
        } else if (status == FollowUpStatus.MISSED) {
            doc.append("closedAt", Date.from(closes));
        }
        mongo.getCollection("followups").insertOne(doc);
        var event = EventEnvelope.of(clock.instant(), patientId, clinic, new EventPayload.PatientRegistered(clock.instant()));
        // As the handlers saw it: scheduled when the session was recorded, then its final event.
        dashboardProjector.onFollowUp(event, UUID.fromString(id), FollowUpStatus.SCHEDULED, null);
        if (status == FollowUpStatus.COMPLETED || status == FollowUpStatus.MISSED) {
            dashboardProjector.onFollowUp(event, UUID.fromString(id), status, soreness);
        }
    }

    private UUID raise(UUID patientId, String clinic, AlertLevel level, Instant at) {
        var raised = new EventPayload.AlertRaised(UUID.randomUUID(), level, AlertRule.HIGH_SORENESS, UUID.randomUUID(),
                UUID.randomUUID(), Checkpoint.H24);
        alertProjector.onAlertRaised(EventEnvelope.of(at, patientId, clinic, raised), raised);
        return raised.alertId();
    }

    /** No read model of the clinic, and its timelines and follow-ups without the figure state this version keeps. */
    private void asAnOlderVersionLeftIt(String clinic, List<UUID> patients) {
        mongo.remove(Query.query(Criteria.where("_id").is(clinic)), "clinicAlerts");
        mongo.remove(Query.query(Criteria.where("_id").is(clinic)), "clinicPatients");
        mongo.remove(Query.query(Criteria.where("_id").regex("^" + clinic + "\\|")), "clinicDays");
        mongo.updateMulti(Query.query(Criteria.where("clinicId").is(clinic)), new Update().unset("dayCounted"), "followups");
        mongo.updateMulti(Query.query(Criteria.where("clinicId").is(clinic)),
                new Update().unset("activeDay").unset("mcidReached").unset("figureChanges"), "timelines");
        assertThat(mongo.findById(patients.getFirst().toString(), Document.class, "timelines")).doesNotContainKey("activeDay");
    }

    /**
     * What a start that stopped half-way leaves: the alerts done, half the follow-ups, and one
     * timeline saved with its figure changes queued but not handed over.
     */
    private void aRunStoppedHalfWay(String clinic, UUID patientAtMcid, Instant itsSessionEnded) {
        mongo.find(Query.query(Criteria.where("clinicId").is(clinic)), Alert.class).forEach(clinicAlerts::sync);
        mongo.find(Query.query(Criteria.where("clinicId").is(clinic)).with(Sort.by("_id")), FollowUp.class).stream()
                .limit(3).forEach(dashboardProjector::sync);
        String day = ClinicDays.of(itsSessionEnded).toString();
        mongo.updateFirst(Query.query(Criteria.where("_id").is(patientAtMcid.toString())), new Update().set("activeDay", day)
                .set("mcidReached", true).set("figureChanges", List.of(
                        new Document("changeId", UUID.randomUUID().toString()).append("kind", "ACTIVE_ADD").append("day", day),
                        new Document("changeId", UUID.randomUUID().toString()).append("kind", "MCID_ADD"))), "timelines");
    }

    private Map<String, Object> readModels(String clinic) {
        Map<String, Object> docs = new LinkedHashMap<>();
        docs.put("clinicAlerts", mongo.findById(clinic, Document.class, "clinicAlerts"));
        docs.put("clinicPatients", mongo.findById(clinic, Document.class, "clinicPatients"));
        docs.put("clinicDays", new ArrayList<>(mongo.find(Query.query(Criteria.where("_id").regex("^" + clinic + "\\|"))
                .with(Sort.by("_id")), Document.class, "clinicDays")));
        docs.put("timelines", new ArrayList<>(mongo.find(Query.query(Criteria.where("clinicId").is(clinic))
                .with(Sort.by("_id")), Document.class, "timelines")));
        return docs;
    }

    private String get(String path) {
        return http.get().uri(path).retrieve().body(String.class);
    }
}
