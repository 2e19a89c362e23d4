package dev.knotless.outcomes.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import dev.knotless.events.Vocabulary.NeedlingClearance;
import dev.knotless.events.Vocabulary.Side;
import dev.knotless.events.Vocabulary.Technique;
import dev.knotless.outcomes.followup.FollowUp;
import dev.knotless.outcomes.followup.FollowUpRepository;
import dev.knotless.outcomes.timeline.ClinicDays;
import dev.knotless.outcomes.timeline.FigureChange;
import dev.knotless.outcomes.timeline.TimelineProjector;
import dev.knotless.testsupport.DocumentReads;
import dev.knotless.testsupport.MutableClock;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DocumentCodec;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/**
 * The day figures of follow-ups in the real store (nested in the embedded IT, sharing its
 * context): a transition counts once however often it is delivered, also after a crash between
 * its steps (a crash is a fresh projector, which has lost the in-memory marker removals, over the
 * store as the crash left it); and a day document keeps its size whatever the number of its
 * follow-ups, so the dashboard reads as much at 200 as at 2,000. The same for the patient figures
 * (active on a day, at the pain MCID) the timeline hands over.
 */
public abstract class DashboardProjectorContract {

    private static final Logger log = LoggerFactory.getLogger(DashboardProjectorContract.class);
    private static final String DATABASE = "knotless-outcomes";

    @Autowired
    MongoTemplate mongo;
    @Autowired
    MutableClock clock;
    @Autowired
    FollowUpRepository followUps;
    @Autowired
    DashboardProjector projector;
    @Autowired
    DashboardService dashboards;
    @Autowired
    TimelineProjector timelines;

    @Test
    void aTransitionDeliveredAgainCountsOnceAndTheSessionsTwoFollowUpsShareOneDayUpdate() {
        String clinic = clinic();
        Instant ended = clock.instant().minus(Duration.ofHours(30)).truncatedTo(ChronoUnit.SECONDS);
        var session = session(clinic, ended, FollowUpStatus.OPEN, FollowUpStatus.SCHEDULED);

        projector.sync(load(session));
        projector.sync(load(session));
        projector.onFollowUp(event(clinic), id(session.getFirst()), FollowUpStatus.OPEN, null);
        answer(session.getFirst(), 4);
        projector.onFollowUp(event(clinic), id(session.getFirst()), FollowUpStatus.COMPLETED, 4);
        projector.onFollowUp(event(clinic), id(session.getFirst()), FollowUpStatus.COMPLETED, 4);

        var day = day(clinic, ended);
        assertThat(total(day, "scheduled")).isEqualTo(2);
        assertThat(total(day, "completed")).isEqualTo(1);
        assertThat(soreness(day, "DEEP")).isEqualTo(new Document("sum", 4).append("n", 1));
        assertThat(day.get("scheduled", Document.class)).containsOnlyKeys(
                CloseMinute.key(ClinicDays.of(ended), closes(ended, Checkpoint.H24)), CloseMinute.key(ClinicDays.of(ended), closes(ended, Checkpoint.H48)));
        assertThat(followUps.findById(session.getFirst()).orElseThrow().dayCounted()).isEqualTo("C");
        assertThat(followUps.findById(session.getLast()).orElseThrow().dayCounted()).isEqualTo("P");
    }

    @Test
    void aCrashAfterTheDayUpdateBeforeTheFollowUpRecordsItCountsOnce() {
        String clinic = clinic();
        Instant ended = clock.instant().minus(Duration.ofHours(30)).truncatedTo(ChronoUnit.SECONDS);
        var session = session(clinic, ended, FollowUpStatus.OPEN, FollowUpStatus.SCHEDULED);
        String h24 = session.getFirst();
        String h48 = session.getLast();

        // P applied to the day, the follow-ups never told: then the session and the opening come again.
        new DashboardProjector(mongo, followUps).sync(load(session));
        forgetRecorded(h24, null);
        forgetRecorded(h48, null);
        var afterCrash = new DashboardProjector(mongo, followUps);
        afterCrash.sync(load(session));
        afterCrash.onFollowUp(event(clinic), id(h24), FollowUpStatus.OPEN, null);
        assertThat(total(day(clinic, ended), "scheduled")).isEqualTo(2);
        assertThat(followUps.findById(h24).orElseThrow().dayCounted()).isEqualTo("P");

        // C applied, not recorded: the completion comes again.
        answer(h24, 5);
        new DashboardProjector(mongo, followUps).onFollowUp(event(clinic), id(h24), FollowUpStatus.COMPLETED, 5);
        forgetRecorded(h24, "P");
        new DashboardProjector(mongo, followUps).onFollowUp(event(clinic), id(h24), FollowUpStatus.COMPLETED, 5);

        // H48: its P applied and not recorded, then only its completion comes (the day holds P, the follow-up says nothing).
        forgetRecorded(h48, null);
        answer(h48, 2);
        new DashboardProjector(mongo, followUps).onFollowUp(event(clinic), id(h48), FollowUpStatus.COMPLETED, 2);

        var day = day(clinic, ended);
        assertThat(total(day, "scheduled")).isEqualTo(2);
        assertThat(total(day, "completed")).isEqualTo(2);
        assertThat(soreness(day, "DEEP")).isEqualTo(new Document("sum", 5).append("n", 1));
        assertThat(day.getEmbedded(List.of("soreness", "H48", "DEEP"), Document.class)).isEqualTo(new Document("sum", 2).append("n", 1));
        assertThat(followUps.findById(h48).orElseThrow().dayCounted()).isEqualTo("C");
    }

    @Test
    void aCrashAfterTheFollowUpRecordedItCountsOnceAndTheMarkersLeaveWithTheNextUpdate() {
        String clinic = clinic();
        Instant ended = clock.instant().minus(Duration.ofHours(30)).truncatedTo(ChronoUnit.SECONDS);
        var first = session(clinic, ended, FollowUpStatus.OPEN, FollowUpStatus.SCHEDULED);
        var beforeCrash = new DashboardProjector(mongo, followUps);
        beforeCrash.sync(load(first));
        answer(first.getFirst(), 3);
        beforeCrash.onFollowUp(event(clinic), id(first.getFirst()), FollowUpStatus.COMPLETED, 3);
        assertThat(markers(clinic, ended, "C")).as("removed only by a later update").containsOnlyKeys(first.getFirst());

        var afterCrash = new DashboardProjector(mongo, followUps); // the removals it had queued are lost
        afterCrash.onFollowUp(event(clinic), id(first.getFirst()), FollowUpStatus.COMPLETED, 3);
        afterCrash.sync(load(first));
        var day = day(clinic, ended);
        assertThat(total(day, "scheduled")).isEqualTo(2);
        assertThat(total(day, "completed")).isEqualTo(1);

        // The next update of the day document takes the redelivery's leftovers away.
        var second = session(clinic, ended.plusSeconds(90), FollowUpStatus.OPEN, FollowUpStatus.SCHEDULED);
        afterCrash.sync(load(second));
        assertThat(markers(clinic, ended, "C")).isEmpty();
        assertThat(markers(clinic, ended, "P")).containsOnlyKeys(second.toArray(String[]::new));
        assertThat(total(day(clinic, ended), "scheduled")).isEqualTo(4);
    }

    @Test
    void aDayDocumentKeepsItsSizeAndTheDashboardItsReadsFrom200To2000FollowUps() {
        var small = fillADay(200);
        var large = fillADay(2_000);

        log.info("Day document with 200 follow-ups: {} bytes, dashboard examined {} documents; with 2,000: {} bytes, {} documents",
                small.bytes(), small.examined(), large.bytes(), large.examined());
        assertThat(large.bytes()).as("bytes of the day document").isCloseTo(small.bytes(), within(64));
        assertThat(large.examined()).as("documents the dashboard examines").isEqualTo(small.examined()).isPositive();
        assertThat(small.rate()).isEqualByComparingTo(expectedRate(200));
        assertThat(large.rate()).isEqualByComparingTo(expectedRate(2_000));
    }

    // ---------------------------------------------------------------- patient figures

    @Test
    void aPatientFigureChangeHandedOverAgainCountsOnceAndItsMarkerLeavesAfterThePull() {
        String clinic = clinic();
        LocalDate day = ClinicDays.of(clock.instant().minus(Duration.ofDays(3)));
        UUID patient = UUID.randomUUID();
        var added = List.of(change(FigureChange.Kind.ACTIVE_ADD, day), change(FigureChange.Kind.MCID_ADD, null));

        projector.apply(clinic, patient, added);
        projector.apply(clinic, patient, added); // a redelivery before the timeline pulled them
        new DashboardProjector(mongo, followUps).apply(clinic, patient, added); // a crash before the pull, then the redelivery
        assertThat(activeCount(clinic, day)).isEqualTo(1);
        assertThat(mcidCount(clinic)).isEqualTo(1);
        assertThat(figureMarkers(dayDoc(clinic, day))).containsOnlyKeys(added.getFirst().changeId());
        assertThat(figureMarkers(patientsDoc(clinic))).containsOnlyKeys(added.getLast().changeId());

        var afterCrash = new DashboardProjector(mongo, followUps);
        afterCrash.apply(clinic, patient, added);
        afterCrash.handedOver(clinic, patient, added); // pulled from the timeline: never handed over again
        assertThat(figureMarkers(patientsDoc(clinic))).as("clinicPatients: removed at once").isEmpty();
        assertThat(figureMarkers(dayDoc(clinic, day))).as("a day: removed by its next update").containsOnlyKeys(added.getFirst().changeId());

        var another = change(FigureChange.Kind.ACTIVE_ADD, day);
        afterCrash.apply(clinic, UUID.randomUUID(), List.of(another));
        assertThat(figureMarkers(dayDoc(clinic, day))).containsOnlyKeys(another.changeId());
        assertThat(activeCount(clinic, day)).isEqualTo(2);

        // The patient leaves the day and the MCID; the same again after a crash before the pull.
        var removed = List.of(change(FigureChange.Kind.ACTIVE_REMOVE, day), change(FigureChange.Kind.MCID_REMOVE, null));
        afterCrash.apply(clinic, patient, removed);
        new DashboardProjector(mongo, followUps).apply(clinic, patient, removed);
        assertThat(activeCount(clinic, day)).isEqualTo(1);
        assertThat(mcidCount(clinic)).isZero();
        assertThat(dayDoc(clinic, day)).doesNotContainKey("active");
        assertThat(patientsDoc(clinic)).doesNotContainKey("mcid");
    }

    /**
     * Through the timeline's own hand-over: a redelivered event changes nothing, and a queue that a
     * crash left applied but not pulled (a second session moved the patient to a later day) is
     * handed over again by the next delivery without counting twice, then pulled.
     */
    @Test
    void theTimelinesQueueLeftByACrashBetweenTheDayUpdateAndThePullCountsOnce() {
        String clinic = clinic();
        UUID patient = UUID.randomUUID();
        Instant first = clock.instant().minus(Duration.ofDays(6)).truncatedTo(ChronoUnit.SECONDS);
        Instant second = first.plus(Duration.ofDays(2));
        var events = patientEvents(clinic, patient, first, 7, 4);
        events.forEach(timelines::apply);
        timelines.apply(events.getLast()); // redelivered
        assertThat(activeCount(clinic, ClinicDays.of(first))).isEqualTo(1);
        assertThat(mcidCount(clinic)).isEqualTo(1);
        assertThat(timelineDoc(patient).getList("figureChanges", Document.class)).isEmpty();

        // The second session's save queued these, the day updates were made, then the crash: never pulled.
        var moved = List.of(change(FigureChange.Kind.ACTIVE_REMOVE, ClinicDays.of(first)), change(FigureChange.Kind.ACTIVE_ADD, ClinicDays.of(second)));
        mongo.updateFirst(Query.query(Criteria.where("_id").is(patient.toString())), new Update()
                .set("activeDay", ClinicDays.of(second).toString())
                .set("figureChanges", moved.stream().map(c -> new Document("changeId", c.changeId()).append("kind", c.kind().name())
                        .append("day", c.day())).toList()), "timelines");
        new DashboardProjector(mongo, followUps).apply(clinic, patient, moved);
        assertThat(activeCount(clinic, ClinicDays.of(second))).isEqualTo(1);

        timelines.apply(events.getLast()); // delivered again after the restart: hands the queue over

        assertThat(activeCount(clinic, ClinicDays.of(first))).isZero();
        assertThat(activeCount(clinic, ClinicDays.of(second))).isEqualTo(1);
        assertThat(mcidCount(clinic)).isEqualTo(1);
        assertThat(timelineDoc(patient).getList("figureChanges", Document.class)).isEmpty();
        assertThat(figureMarkers(dayDoc(clinic, ClinicDays.of(second)))).containsOnlyKeys(moved.getLast().changeId());
        // The next update of that day (another patient's last session there) takes the marker away.
        patientEvents(clinic, UUID.randomUUID(), second.plusSeconds(60), 5, 5).forEach(timelines::apply);
        assertThat(figureMarkers(dayDoc(clinic, ClinicDays.of(second)))).doesNotContainKey(moved.getLast().changeId());
        assertThat(activeCount(clinic, ClinicDays.of(second))).isEqualTo(2);
    }

    @Test
    void aDayDocumentAndClinicPatientsKeepTheirSizeAndTheDashboardItsReadsFrom200To2000Patients() {
        var small = patientsOnADay(200);
        var large = patientsOnADay(2_000);

        log.info("Patients' last session on one day, half at the MCID: 200 -> day document {} bytes, clinicPatients {} bytes,"
                        + " dashboard examined {} documents; 2,000 -> {} bytes, {} bytes, {} documents",
                small.dayBytes(), small.patientsBytes(), small.examined(), large.dayBytes(), large.patientsBytes(), large.examined());
        assertThat(large.dayBytes()).as("bytes of the day document").isCloseTo(small.dayBytes(), within(64));
        assertThat(large.patientsBytes()).as("bytes of clinicPatients").isCloseTo(small.patientsBytes(), within(64));
        assertThat(large.examined()).as("documents the dashboard examines").isEqualTo(small.examined()).isPositive();
    }

    private record Patients(int dayBytes, int patientsBytes, long examined) {
    }

    /**
     * {@code n} patients of one clinic, their one session on the same day four days ago, every
     * other one at the pain MCID, through the timeline's handler (which hands the changes over).
     */
    private Patients patientsOnADay(int n) {
        String clinic = clinic();
        Instant day = clock.instant().minus(Duration.ofDays(4)).truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(9));
        for (int i = 0; i < n; i++) {
            patientEvents(clinic, UUID.randomUUID(), day.plusSeconds(i), 7, i % 2 == 0 ? 4 : 6).forEach(timelines::apply);
        }
        assertThat(activeCount(clinic, ClinicDays.of(day))).isEqualTo(n);
        assertThat(mcidCount(clinic)).isEqualTo(n / 2);
        var dashboard = dashboardOf(clinic);
        assertThat(dashboard.activePatients()).isEqualTo(n);
        assertThat(dashboard.patientsReachingPainMcid()).isEqualTo(n / 2);
        long examined = Long.MAX_VALUE;
        for (int run = 0; run < 3; run++) { // the least of a few: a read by the listener or the sweep can only add
            examined = Math.min(examined, DocumentReads.during(DATABASE, () -> dashboardOf(clinic)));
        }
        return new Patients(bytes(dayDoc(clinic, ClinicDays.of(day))), bytes(patientsDoc(clinic)), examined);
    }

    /** Registration, intake (pain {@code intakePain}) and one session ending at {@code ended} (pain after it {@code painAfter}). */
    private static List<EventEnvelope> patientEvents(String clinic, UUID patient, Instant ended, int intakePain, int painAfter) {
        Instant registered = ended.minus(Duration.ofDays(1));
        var intake = new EventPayload.IntakeCompleted(UUID.randomUUID(), registered, "t-1", List.of(), intakePain,
                NeedlingClearance.CLEARED, List.of(), List.of());
        var session = new EventPayload.SessionRecorded(UUID.randomUUID(), "t-1", ended.minus(Duration.ofMinutes(40)), ended,
                List.of(new EventPayload.NeedlingSite("UPPER_TRAPEZIUS", Side.RIGHT, Technique.DEEP, 2, 60, true)),
                List.of(), intakePain, painAfter, List.of(), false, false);
        return List.of(EventEnvelope.of(registered, patient, clinic, new EventPayload.PatientRegistered(registered)),
                EventEnvelope.of(registered, patient, clinic, intake), EventEnvelope.of(ended, patient, clinic, session));
    }

    private static FigureChange change(FigureChange.Kind kind, LocalDate day) {
        return new FigureChange(UUID.randomUUID().toString(), kind, day == null ? null : day.toString());
    }

    private Document dayDoc(String clinic, LocalDate day) {
        return mongo.findById(DashboardProjector.dayId(clinic, day), Document.class, DashboardProjector.DAYS);
    }

    private Document patientsDoc(String clinic) {
        return mongo.findById(clinic, Document.class, DashboardProjector.PATIENTS);
    }

    private Document timelineDoc(UUID patient) {
        return mongo.findById(patient.toString(), Document.class, "timelines");
    }

    private long activeCount(String clinic, LocalDate day) {
        Document doc = dayDoc(clinic, day);
        return doc == null || doc.get("activeCount") == null ? 0 : ((Number) doc.get("activeCount")).longValue();
    }

    private long mcidCount(String clinic) {
        Document doc = patientsDoc(clinic);
        return doc == null || doc.get("mcidCount") == null ? 0 : ((Number) doc.get("mcidCount")).longValue();
    }

    private static Document figureMarkers(Document doc) {
        Document inflight = doc.get("inflight", Document.class);
        Document markers = inflight == null ? null : inflight.get("F", Document.class);
        return markers == null ? new Document() : markers;
    }

    private static int bytes(Document doc) {
        return new RawBsonDocument(doc, new DocumentCodec()).getByteBuffer().remaining();
    }

    // ---------------------------------------------------------------- the day at two sizes

    private record Filled(int bytes, long examined, BigDecimal rate) {
    }

    /**
     * {@code n} follow-ups (n/2 sessions of one clinic, ending within ten minutes of a day five days
     * ago, so every window has closed) counted as the handlers would: each session's pair, then
     * every third follow-up answered. Ten minutes, so that 200 already fill every close minute the
     * 2,000 use: what is compared is the growth with the number of follow-ups (the minutes of a day
     * bound the document whatever that number; docs/architecture.md 13 gives the bound).
     */
    private Filled fillADay(int n) {
        String clinic = clinic();
        Instant hour = clock.instant().minus(Duration.ofDays(5)).truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(10));
        List<Document> docs = new ArrayList<>();
        List<List<String>> sessions = new ArrayList<>();
        for (int s = 0; s < n / 2; s++) {
            Instant ended = hour.plus(Duration.ofMinutes(s % 10)).plusSeconds(30);
            UUID sessionId = UUID.randomUUID();
            UUID patientId = UUID.randomUUID();
            List<String> pair = new ArrayList<>();
            for (Checkpoint checkpoint : Checkpoint.values()) {
                Document doc = followUpDoc(clinic, sessionId, patientId, ended, checkpoint, FollowUpStatus.MISSED);
                docs.add(doc);
                pair.add(doc.getString("_id"));
            }
            sessions.add(pair);
        }
        mongo.getCollection(FollowUp.COLLECTION).insertMany(docs);
        int i = 0;
        for (List<String> pair : sessions) {
            projector.sync(load(pair));
            for (String id : pair) {
                if (i++ % 3 == 0) {
                    projector.onFollowUp(event(clinic), id(id), FollowUpStatus.COMPLETED, 4);
                }
            }
        }
        Document day = mongo.findById(DashboardProjector.dayId(clinic, ClinicDays.of(hour)), Document.class, DashboardProjector.DAYS);
        assertThat(total(day, "scheduled")).isEqualTo(n);
        long examined = Long.MAX_VALUE;
        for (int run = 0; run < 3; run++) { // the least of a few: a read by the listener or the sweep can only add
            examined = Math.min(examined, DocumentReads.during(DATABASE, () -> dashboardOf(clinic)));
        }
        return new Filled(new RawBsonDocument(day, new DocumentCodec()).getByteBuffer().remaining(), examined,
                dashboardOf(clinic).followUpResponseRate());
    }

    /** The dashboard as the clinic's therapist asks for it (the service serves a clinic only its own staff). */
    private DashboardCalculator.Dashboard dashboardOf(String clinic) {
        var context = org.springframework.security.core.context.SecurityContextHolder.getContext();
        context.setAuthentication(dev.knotless.testsupport.TestTokens.authenticationOf(new dev.knotless.platform.security.StaffMember(
                "therapist-x", dev.knotless.platform.security.Role.THERAPIST, clinic)));
        try {
            return dashboards.dashboard(clinic);
        } finally {
            org.springframework.security.core.context.SecurityContextHolder.clearContext();
        }
    }

    private static BigDecimal expectedRate(int n) {
        long answered = (n + 2) / 3;
        return BigDecimal.valueOf(answered).divide(BigDecimal.valueOf(n), 2, RoundingMode.HALF_UP);
    }

    // ---------------------------------------------------------------- helpers

    private static String clinic() {
        return "clinic-days-" + UUID.randomUUID();
    }

    /** A session's H24 and H48 follow-ups, written as the scheduler stores them; their ids, H24 first. */
    private List<String> session(String clinic, Instant ended, FollowUpStatus h24, FollowUpStatus h48) {
        UUID sessionId = UUID.randomUUID();
        UUID patientId = UUID.randomUUID();
        var first = followUpDoc(clinic, sessionId, patientId, ended, Checkpoint.H24, h24);
        var second = followUpDoc(clinic, sessionId, patientId, ended, Checkpoint.H48, h48);
        mongo.getCollection(FollowUp.COLLECTION).insertMany(List.of(first, second));
        return List.of(first.getString("_id"), second.getString("_id"));
    }

    private static Instant closes(Instant ended, Checkpoint checkpoint) {
        return ended.plus(Duration.ofHours(checkpoint == Checkpoint.H24 ? 48 : 72));
    }

    private static Document followUpDoc(String clinic, UUID sessionId, UUID patientId, Instant ended, Checkpoint checkpoint,
                                        FollowUpStatus status) {
        Instant closes = closes(ended, checkpoint);
        return new Document("_id", FollowUp.idOf(sessionId, checkpoint).toString()).append("version", 0L)
                .append("sessionId", sessionId.toString()).append("patientId", patientId.toString()).append("clinicId", clinic)
                .append("checkpoint", checkpoint.name()).append("sessionEndedAt", Date.from(ended)).append("techniques", List.of("DEEP"))
                .append("opensAt", Date.from(closes.minus(Duration.ofHours(24)))).append("closesAt", Date.from(closes))
                .append("status", status.name()).append("outbox", List.of());
    }

    /** As the survey saves an answer (the projector reads the answer from the event). */
    private void answer(String followUpId, int soreness) {
        mongo.updateFirst(Query.query(Criteria.where("_id").is(followUpId)), new Update().set("status", "COMPLETED")
                .set("answers", new Document("soreness", soreness).append("pain", 3).append("bruising", false).append("fatigue", false)
                        .append("lightheaded", false).append("adverseEventSeverity", "NONE")).inc("version", 1), FollowUp.COLLECTION);
    }

    /** The store as a crash before step 3 leaves it: the follow-up does not record what the day holds. */
    private void forgetRecorded(String followUpId, String recorded) {
        mongo.updateFirst(Query.query(Criteria.where("_id").is(followUpId)), recorded == null ? new Update().unset("dayCounted")
                : new Update().set("dayCounted", recorded), FollowUp.COLLECTION);
    }

    private List<FollowUp> load(List<String> ids) {
        return ids.stream().map(id -> followUps.findById(id).orElseThrow()).toList();
    }

    private static UUID id(String followUpId) {
        return UUID.fromString(followUpId);
    }

    private EventEnvelope event(String clinic) {
        return EventEnvelope.of(clock.instant(), UUID.randomUUID(), clinic, new EventPayload.PatientRegistered(clock.instant()));
    }

    private Document day(String clinic, Instant ended) {
        return mongo.findById(DashboardProjector.dayId(clinic, ClinicDays.of(ended)), Document.class, DashboardProjector.DAYS);
    }

    private Document markers(String clinic, Instant ended, String transition) {
        Document inflight = day(clinic, ended).get("inflight", Document.class);
        Document markers = inflight == null ? null : inflight.get(transition, Document.class);
        return markers == null ? new Document() : markers;
    }

    private static long total(Document day, String field) {
        Document counts = day.get(field, Document.class);
        return counts == null ? 0 : counts.values().stream().mapToLong(n -> ((Number) n).longValue()).sum();
    }

    private static Document soreness(Document day, String technique) {
        return day.getEmbedded(List.of("soreness", "H24", technique), Document.class);
    }
}
