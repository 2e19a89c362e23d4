package dev.knotless.outcomes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload;
import dev.knotless.events.EventPayload.NeedlingSite;
import dev.knotless.events.EventPayload.RomReading;
import dev.knotless.events.Topics;
import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.AlertRule;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.Joint;
import dev.knotless.events.Vocabulary.Movement;
import dev.knotless.events.Vocabulary.NeedlingClearance;
import dev.knotless.events.Vocabulary.RomPhase;
import dev.knotless.events.Vocabulary.Side;
import dev.knotless.events.Vocabulary.Technique;
import dev.knotless.outcomes.followup.FollowUp;
import dev.knotless.outcomes.followup.FollowUpSweep;
import dev.knotless.platform.audit.AuditStore;
import dev.knotless.platform.messaging.EventCodec;
import dev.knotless.testsupport.EventProbe;
import dev.knotless.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.StreamSupport;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What outcomes-service promises, proven against a real broker and store: the embedded pair here,
 * Testcontainers where Docker runs. Events come in as another service would publish them; the
 * API is called over HTTP. Every test works on its own patient and session, relative to the
 * test clock, which only ever moves forward. Staff requests carry the token of the therapist of
 * the clinic a test works in ({@link SignedInClient}); the survey's carry none, as the patient's.
 */
abstract class OutcomesServiceContract {

    private static final String CLINIC = "clinic-it";
    private static EventProbe probe;

    @Autowired
    KafkaTemplate<String, String> kafka;
    @Autowired
    EventCodec codec;
    @Autowired
    MutableClock clock;
    @Autowired
    FollowUpSweep sweep;
    @Autowired
    JsonMapper json;
    @Autowired
    KafkaConnectionDetails kafkaConnection;
    @Autowired
    AuditStore audit;
    @Autowired
    org.springframework.data.mongodb.core.MongoTemplate mongo;
    @LocalServerPort
    int port;

    private RestClient http;
    /** The clinic whose therapist makes the requests that name none in their path. */
    private String actingClinic = CLINIC;

    @BeforeEach
    void connect() {
        http = SignedInClient.builder(port, clock, () -> actingClinic)
                .defaultStatusHandler(status -> true, (request, response) -> { })
                .build();
        synchronized (OutcomesServiceContract.class) {
            if (probe == null) {
                probe = new EventProbe(String.join(",", kafkaConnection.getBootstrapServers()),
                        Topics.OUTCOME, Topics.deadLetterOf(Topics.SESSION));
            }
        }
    }

    @AfterAll
    static void closeProbe() {
        if (probe != null) {
            probe.close();
            probe = null;
        }
    }

    // ---------------------------------------------------------------- follow-ups

    @Test
    void aSessionThatEnded30HoursAgoHasAnOpenH24AndAScheduledH48() {
        var patientId = patient();
        var sessionId = session(patientId, hoursAgo(30));

        var followUps = followUpsOf(sessionId);

        assertThat(followUps).extracting(f -> f.get("checkpoint").asString()).containsExactly("H24", "H48");
        assertThat(followUps).extracting(f -> f.get("status").asString()).containsExactly("OPEN", "SCHEDULED");
        assertThat(followUps.getFirst().get("issueSurveyLink").asString())
                .isEqualTo("/api/follow-ups/" + FollowUp.idOf(sessionId, Checkpoint.H24) + "/survey-link");
        probe.await(EventPayload.FollowUpOpened.class,
                e -> ((EventPayload.FollowUpOpened) e.payload()).followUpId().equals(FollowUp.idOf(sessionId, Checkpoint.H24)));
    }

    @Test
    void aSessionThatEnded100HoursAgoHasBothFollowUpsMissedAndALowAlert() {
        var patientId = patient();
        var sessionId = session(patientId, hoursAgo(100));

        assertThat(followUpsOf(sessionId)).extracting(f -> f.get("status").asString()).containsExactly("MISSED", "MISSED");
        var raised = probe.await(EventPayload.AlertRaised.class, e -> e.patientId().equals(patientId));
        assertThat(raised.payload()).isEqualTo(new EventPayload.AlertRaised(
                dev.knotless.outcomes.alert.AlertRules.alertIdOf(sessionId, AlertRule.FOLLOW_UPS_MISSED),
                AlertLevel.LOW, AlertRule.FOLLOW_UPS_MISSED, sessionId, null, null));
        var alert = awaitAlert(CLINIC, "OPEN", sessionId.toString(), AlertRule.FOLLOW_UPS_MISSED);
        assertThat(alert.get("level").asString()).isEqualTo("LOW");
        assertThat(probe.eventsOf(EventPayload.FollowUpMissed.class, patientId)).hasSize(2);
    }

    @Test
    void aRedeliveredSessionRecordedCreatesNothingNew() {
        var patientId = patient();
        var first = sessionRecorded(patientId, hoursAgo(30), List.of(Technique.DEEP));
        publish(first);
        followUpsOf(((EventPayload.SessionRecorded) first.payload()).sessionId());

        publish(first);
        // Same key, same partition: once the next session is handled, the redelivery was too.
        var marker = session(patientId, hoursAgo(29));
        followUpsOf(marker);

        var sessionId = ((EventPayload.SessionRecorded) first.payload()).sessionId();
        assertThat(followUpsOf(sessionId)).hasSize(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> timeline(patientId).path("summary").path("sessions").asInt() == 2);
        probe.await(EventPayload.FollowUpOpened.class, e -> ((EventPayload.FollowUpOpened) e.payload()).sessionId().equals(marker));
        assertThat(probe.eventsOf(EventPayload.FollowUpOpened.class, patientId))
                .filteredOn(e -> ((EventPayload.FollowUpOpened) e.payload()).sessionId().equals(sessionId))
                .hasSize(1);
    }

    @Test
    void anUndecodableMessageGoesToTheDeadLetterTopicAndProcessingGoesOn() throws Exception {
        var patientId = patient();
        String poison = "{\"not\": \"an event\", \"marker\": \"" + UUID.randomUUID() + "\"}";
        kafka.send(Topics.SESSION, patientId.toString(), poison).get();
        var sessionId = session(patientId, hoursAgo(30));

        assertThat(followUpsOf(sessionId)).hasSize(2);
        await().atMost(Duration.ofSeconds(15)).until(() -> probe.records().stream()
                .anyMatch(r -> r.topic().equals(Topics.deadLetterOf(Topics.SESSION)) && poison.equals(r.value())));
    }

    @Test
    void theSweepMarksAnOpenFollowUpMissedOnceTheClockPassesItsClose() {
        var patientId = patient();
        var ended = hoursAgo(47);
        var sessionId = session(patientId, ended);
        assertThat(followUpsOf(sessionId)).extracting(f -> f.get("status").asString()).containsExactly("OPEN", "SCHEDULED");

        clock.advance(Duration.ofHours(2));
        sweep.sweep();

        var h24 = FollowUp.idOf(sessionId, Checkpoint.H24);
        var missed = probe.await(EventPayload.FollowUpMissed.class, e -> ((EventPayload.FollowUpMissed) e.payload()).followUpId().equals(h24));
        assertThat(((EventPayload.FollowUpMissed) missed.payload()).closedAt()).isEqualTo(ended.plus(Duration.ofHours(48)));
        probe.await(EventPayload.FollowUpOpened.class,
                e -> ((EventPayload.FollowUpOpened) e.payload()).followUpId().equals(FollowUp.idOf(sessionId, Checkpoint.H48)));
        assertThat(followUpsOf(sessionId)).extracting(f -> f.get("status").asString()).containsExactly("MISSED", "OPEN");
    }

    // ---------------------------------------------------------------- surveys

    @Test
    void aPatientAnswersTheSurveyOnceThroughTheLink() {
        var patientId = patient();
        var ended = hoursAgo(30);
        var sessionId = session(patientId, ended);
        var link = issueLink(FollowUp.idOf(sessionId, Checkpoint.H24));
        String token = link.get("token").asString();
        assertThat(link.get("surveyUrl").asString()).endsWith("/api/surveys/" + token);

        var survey = call("GET", "/api/surveys/" + token, null);
        assertThat(survey.status()).isEqualTo(200);
        assertThat(survey.body().get("checkpoint").asString()).isEqualTo("H24");
        assertThat(survey.body().get("sessionDate").asString()).isEqualTo(ended.atZone(ZoneOffset.UTC).toLocalDate().toString());
        assertThat(survey.body().get("status").asString()).isEqualTo("OPEN");
        assertThat(survey.body().propertyNames()).containsExactlyInAnyOrder("checkpoint", "sessionDate", "opensAt", "closesAt", "status");

        var answered = submit(token, 3, 2, "NONE");
        assertThat(answered.status()).isEqualTo(201);
        assertThat(answered.body().get("followUpId").asString()).isEqualTo(FollowUp.idOf(sessionId, Checkpoint.H24).toString());

        var again = submit(token, 3, 2, "NONE");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().get("type").asString()).isEqualTo("/problems/survey-already-submitted");
        assertThat(followUpsOf(sessionId).getFirst().get("status").asString()).isEqualTo("COMPLETED");
        assertThat(call("POST", "/api/follow-ups/" + FollowUp.idOf(sessionId, Checkpoint.H24) + "/survey-link", null).status()).isEqualTo(409);
        assertThat(http.get().uri("/actuator/prometheus").retrieve().body(String.class))
                .contains("knotless_outcomes_surveys_submitted_total{checkpoint=\"H24\"");
    }

    @Test
    void aSurveyCannotBeAnsweredBeforeItsWindowOpens() {
        var sessionId = session(patient(), hoursAgo(30));
        String token = issueLink(FollowUp.idOf(sessionId, Checkpoint.H48)).get("token").asString();

        var early = submit(token, 3, 2, "NONE");

        assertThat(early.status()).isEqualTo(409);
        assertThat(early.body().get("type").asString()).isEqualTo("/problems/survey-not-open");
        assertThat(call("GET", "/api/surveys/" + token, null).body().get("status").asString()).isEqualTo("SCHEDULED");
    }

    @Test
    void aSurveyIsGoneOnceItsWindowHasClosed() {
        var sessionId = session(patient(), hoursAgo(48).plus(Duration.ofMinutes(1)));
        String token = issueLink(FollowUp.idOf(sessionId, Checkpoint.H24)).get("token").asString();

        clock.advance(Duration.ofMinutes(2));
        var late = submit(token, 3, 2, "NONE");

        assertThat(late.status()).isEqualTo(410);
        assertThat(late.body().get("type").asString()).isEqualTo("/problems/survey-closed");
    }

    @Test
    void anUnknownOrReplacedTokenIsNotFound() {
        var sessionId = session(patient(), hoursAgo(30));
        var followUpId = FollowUp.idOf(sessionId, Checkpoint.H24);
        String first = issueLink(followUpId).get("token").asString();
        String second = issueLink(followUpId).get("token").asString();

        assertThat(call("GET", "/api/surveys/" + first, null).status()).isEqualTo(404);
        assertThat(submit(first, 1, 1, "NONE").status()).isEqualTo(404);
        assertThat(call("GET", "/api/surveys/" + second, null).status()).isEqualTo(200);
        assertThat(call("GET", "/api/surveys/" + UUID.randomUUID(), null).body().get("type").asString()).isEqualTo("/problems/survey-not-found");
        assertThat(call("POST", "/api/follow-ups/" + UUID.randomUUID() + "/survey-link", null).status()).isEqualTo(404);
    }

    @Test
    void twoRacingAnswersGiveOneCreatedAndOneConflict() throws Exception {
        var sessionId = session(patient(), hoursAgo(30));
        String token = issueLink(FollowUp.idOf(sessionId, Checkpoint.H24)).get("token").asString();
        var start = new CountDownLatch(1);

        List<CompletableFuture<Integer>> racers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            racers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return submit(token, 2, 2, "NONE").status();
            }));
        }
        start.countDown();

        assertThat(racers.stream().map(CompletableFuture::join).toList()).containsExactlyInAnyOrder(201, 409);
    }

    @Test
    void aSurveyAnswerSentTwiceWithTheSameIdempotencyKeyIsStoredOnceAndAnsweredAlike() {
        var sessionId = session(patient(), hoursAgo(30));
        var followUpId = FollowUp.idOf(sessionId, Checkpoint.H24);
        String token = issueLink(followUpId).get("token").asString();
        String key = UUID.randomUUID().toString();

        var first = postWithKey("/api/surveys/" + token, surveyAnswer(3, 2), key);
        var retry = postWithKey("/api/surveys/" + token, surveyAnswer(3, 2), key);

        assertThat(first.getStatusCode().value()).isEqualTo(201);
        assertThat(first.getHeaders().containsHeader("Idempotent-Replayed")).isFalse();
        assertThat(retry.getStatusCode().value()).as("the first answer, not 409 already submitted").isEqualTo(201);
        assertThat(retry.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(retry.getBody()).isEqualTo(first.getBody());
        assertThat(postWithKey("/api/surveys/" + token, surveyAnswer(4, 2), key).getStatusCode().value()).isEqualTo(422);

        probe.await(EventPayload.FollowUpCompleted.class,
                e -> ((EventPayload.FollowUpCompleted) e.payload()).followUpId().equals(followUpId));
        assertThat(probe.events()).filteredOn(e -> e.payload() instanceof EventPayload.FollowUpCompleted completed
                && completed.followUpId().equals(followUpId)).as("one FollowUpCompleted").hasSize(1);
        audit.flush();
        assertThat(mongo.find(Query.query(Criteria.where("followUpId").is(followUpId.toString()).and("phase").is("ATTEMPT")), Document.class,
                "audit")).as("the answer, then its replay as a read").extracting(record -> record.getString("action"))
                .containsExactlyInAnyOrder("CREATE", "READ");
        assertThat(mongo.findAll(Document.class, "idempotency_keys")).isNotEmpty()
                .allSatisfy(stored -> assertThat(stored.toJson()).as("the link's token is not stored").doesNotContain(token, key));
    }

    // ---------------------------------------------------------------- alerts

    @Test
    void highSorenessRaisesAHighAlertThatATherapistAcknowledges() {
        var patientId = patient();
        var sessionId = session(patientId, hoursAgo(30));
        var followUpId = FollowUp.idOf(sessionId, Checkpoint.H24);
        String token = issueLink(followUpId).get("token").asString();

        assertThat(submit(token, 8, 5, "NONE").status()).isEqualTo(201);

        var alertId = dev.knotless.outcomes.alert.AlertRules.alertIdOf(followUpId, AlertRule.HIGH_SORENESS);
        var raised = probe.await(EventPayload.AlertRaised.class, e -> ((EventPayload.AlertRaised) e.payload()).alertId().equals(alertId));
        assertThat(raised.payload()).isEqualTo(new EventPayload.AlertRaised(alertId, AlertLevel.HIGH, AlertRule.HIGH_SORENESS, sessionId,
                followUpId, Checkpoint.H24));
        var alert = awaitAlert(CLINIC, "OPEN", sessionId.toString(), AlertRule.HIGH_SORENESS);
        assertThat(alert.get("alertId").asString()).isEqualTo(alertId.toString());
        assertThat(alert.get("level").asString()).isEqualTo("HIGH");
        var open = alerts(CLINIC, "OPEN");
        assertThat(open).extracting(a -> AlertLevel.valueOf(a.get("level").asString())).isSorted();
        for (int i = 1; i < open.size(); i++) {
            if (open.get(i).get("level").equals(open.get(i - 1).get("level"))) {
                assertThat(Instant.parse(open.get(i).get("raisedAt").asString()))
                        .isBeforeOrEqualTo(Instant.parse(open.get(i - 1).get("raisedAt").asString()));
            }
        }

        var acknowledged = call("POST", "/api/alerts/" + alertId + "/acknowledge", "{}");
        assertThat(acknowledged.status()).isEqualTo(200);
        assertThat(acknowledged.body().get("status").asString()).isEqualTo("ACKNOWLEDGED");
        assertThat(acknowledged.body().get("acknowledgedBy").asString()).as("the token's subject").isEqualTo("therapist-it");
        probe.await(EventPayload.AlertAcknowledged.class,
                e -> e.payload().equals(new EventPayload.AlertAcknowledged(alertId, "therapist-it")));

        var again = call("POST", "/api/alerts/" + alertId + "/acknowledge", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().get("type").asString()).isEqualTo("/problems/alert-already-acknowledged");
        assertThat(alerts(CLINIC, "OPEN")).noneMatch(a -> a.get("alertId").asString().equals(alertId.toString()));
        assertThat(alerts(CLINIC, "ACKNOWLEDGED")).anyMatch(a -> a.get("alertId").asString().equals(alertId.toString()));
        assertThat(call("POST", "/api/alerts/" + UUID.randomUUID() + "/acknowledge", "{}").status()).isEqualTo(404);
    }

    @Test
    void aSignificantAdverseEventReachesTheTherapistButItsDescriptionNeverTravels() {
        var patientId = patient();
        var sessionId = session(patientId, hoursAgo(30));
        var followUpId = FollowUp.idOf(sessionId, Checkpoint.H24);
        String token = issueLink(followUpId).get("token").asString();
        String description = "fainted-" + UUID.randomUUID();

        var answered = call("POST", "/api/surveys/" + token, """
                { "soreness": 2, "pain": 2, "bruising": true, "fatigue": false, "lightheaded": true,
                  "adverseEvent": { "severity": "SIGNIFICANT", "description": "%s" }, "comment": "secret-%s" }"""
                .formatted(description, description));
        assertThat(answered.status()).isEqualTo(201);

        var alert = awaitAlert(CLINIC, "OPEN", sessionId.toString(), AlertRule.SIGNIFICANT_ADVERSE_EVENT);
        assertThat(alert.get("level").asString()).isEqualTo("HIGH");
        assertThat(alert.get("adverseEventDescription").asString()).isEqualTo(description);
        probe.await(EventPayload.FollowUpCompleted.class, e -> e.patientId().equals(patientId));
        assertThat(probe.records()).noneMatch(r -> r.value() != null && r.value().contains(description));
    }

    // ---------------------------------------------------------------- timeline and dashboard

    @Test
    void theTimelineShowsTheAnswerAndTheSessionsRangeOfMotionWithinASecond() {
        var patientId = patient();
        var sessionId = session(patientId, hoursAgo(30));
        await().atMost(Duration.ofSeconds(10)).until(() -> timeline(patientId).path("summary").path("sessions").asInt() == 1);
        String token = issueLink(FollowUp.idOf(sessionId, Checkpoint.H24)).get("token").asString();

        assertThat(submit(token, 5, 3, "NONE").status()).isEqualTo(201);

        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).until(() -> {
            var soreness = timeline(patientId).path("series").path("soreness").path("H24");
            return soreness.size() == 1 && soreness.get(0).get("value").asInt() == 5;
        });
        var timeline = timeline(patientId);
        assertThat(timeline.path("baseline").path("painNprs").asInt()).isEqualTo(7);
        var rom = timeline.path("series").path("rom").get(0);
        assertThat(rom.get("joint").asString()).isEqualTo("SHOULDER");
        assertThat(StreamSupport.stream(rom.get("points").spliterator(), false).map(p -> p.get("degrees").asInt()).toList())
                .containsExactly(120, 125, 140);
        assertThat(timeline.path("summary").path("latestPain").asInt()).isEqualTo(3);
        assertThat(timeline.path("summary").path("mcidReached").asBoolean()).isTrue();
        assertThat(call("GET", "/api/patients/" + UUID.randomUUID() + "/timeline", null).status()).isEqualTo(404);
    }

    @Test
    void theDashboardCountsTheClinicsFigures() {
        String clinic = "clinic-" + UUID.randomUUID().toString().substring(0, 8);
        actingClinic = clinic;
        var patientId = patient(clinic);
        var sessionId = session(patientId, clinic, hoursAgo(30), List.of(Technique.DEEP, Technique.IMS));
        String token = issueLink(FollowUp.idOf(sessionId, Checkpoint.H24)).get("token").asString();
        assertThat(submit(token, 4, 6, "NONE").status()).isEqualTo(201); // pain 7 -> 6: no MCID
        session(patient(clinic), clinic, hoursAgo(100), List.of(Technique.SUPERFICIAL));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var dashboard = call("GET", "/api/clinics/" + clinic + "/dashboard", null).body();
            assertThat(dashboard.get("activePatients").asInt()).isEqualTo(2);
            assertThat(dashboard.get("meanSoreness").get("H24").get("DEEP").asDouble()).isEqualTo(4.0);
            assertThat(dashboard.get("meanSoreness").get("H24").get("IMS").asDouble()).isEqualTo(4.0);
            assertThat(dashboard.get("meanSoreness").get("H24").get("SUPERFICIAL").isNull()).isTrue();
            assertThat(dashboard.get("followUpResponseRate").asDouble()).isEqualTo(0.33);
            assertThat(dashboard.get("openAlerts").get("LOW").asInt()).isEqualTo(1);
            assertThat(dashboard.get("patientsReachingPainMcid").asInt()).isEqualTo(1);
        });

        // Redelivered: the answer and the session count once; a later event of the patient (same partition) marks them handled.
        publish(probe.await(EventPayload.FollowUpCompleted.class, e -> e.patientId().equals(patientId)));
        var marker = new EventPayload.AlertRaised(UUID.randomUUID(), AlertLevel.MEDIUM, AlertRule.SORENESS_NOT_SUBSIDING, sessionId, null, null);
        publish(EventEnvelope.of(clock.instant(), patientId, clinic, marker));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(call("GET", "/api/clinics/" + clinic + "/dashboard", null).body().get("openAlerts").get("MEDIUM").asInt()).isEqualTo(1));
        var dashboard = call("GET", "/api/clinics/" + clinic + "/dashboard", null).body();
        assertThat(dashboard.get("followUpResponseRate").asDouble()).isEqualTo(0.33);
        assertThat(dashboard.get("meanSoreness").get("H24").get("DEEP").asDouble()).isEqualTo(4.0);
        assertThat(dashboard.get("activePatients").asInt()).isEqualTo(2);
        assertThat(dashboard.get("patientsReachingPainMcid").asInt()).isEqualTo(1);
        // Each change of the patient's figures was handed over and taken off the timeline's queue.
        assertThat(mongo.findById(patientId.toString(), org.bson.Document.class, "timelines").getList("figureChanges", Object.class)).isEmpty();
    }

    // ---------------------------------------------------------------- the clinic's alert lists

    @Test
    void theOpenAlertsListIsPagedMostUrgentFirstWithALinkToTheNextPage() {
        String clinic = "clinic-" + UUID.randomUUID().toString().substring(0, 8);
        var patientId = UUID.randomUUID();
        var low = raise(patientId, clinic, AlertLevel.LOW, hoursAgo(1));
        var highOld = raise(patientId, clinic, AlertLevel.HIGH, hoursAgo(3));
        var highNew = raise(patientId, clinic, AlertLevel.HIGH, hoursAgo(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> alerts(clinic, "OPEN").size() == 3);

        var first = http.get().uri("/api/clinics/" + clinic + "/alerts?limit=2").retrieve().toEntity(String.class);
        assertThat(json.readTree(first.getBody()).valueStream().map(a -> a.get("alertId").asString()))
                .containsExactly(highNew.toString(), highOld.toString());
        assertThat(first.getHeaders().getFirst("Link")).isEqualTo("</api/clinics/" + clinic + "/alerts?status=OPEN&limit=2&page=1>; rel=\"next\"");
        var second = http.get().uri("/api/clinics/" + clinic + "/alerts?limit=2&page=1").retrieve().toEntity(String.class);
        assertThat(json.readTree(second.getBody()).valueStream().map(a -> a.get("alertId").asString())).containsExactly(low.toString());
        assertThat(second.getHeaders().containsHeader("Link")).isFalse();

        var badPage = call("GET", "/api/clinics/" + clinic + "/alerts?page=-1", null);
        assertThat(badPage.status()).isEqualTo(400);
        assertThat(badPage.body().get("errors").get(0).get("field").asString()).isEqualTo("page");
        assertThat(call("GET", "/api/clinics/" + clinic + "/alerts?page=9", null).body().size()).isZero();
    }

    @Test
    void aRaisedAlertWhoseListUpdateWasLostIsListedAgainByTheRedeliveryAndAnAcknowledgedOneIsNotReopened() {
        String clinic = "clinic-" + UUID.randomUUID().toString().substring(0, 8);
        actingClinic = clinic;
        var patientId = UUID.randomUUID();
        var lost = EventEnvelope.of(hoursAgo(1), patientId, clinic,
                new EventPayload.AlertRaised(UUID.randomUUID(), AlertLevel.LOW, AlertRule.FOLLOW_UPS_MISSED, UUID.randomUUID(), null, null));
        var alertId = ((EventPayload.AlertRaised) lost.payload()).alertId();
        publish(lost);
        await().atMost(Duration.ofSeconds(10)).until(() -> alerts(clinic, "OPEN").size() == 1);

        // As if the service had stopped between inserting the alert and updating the clinic's list.
        mongo.updateFirst(org.springframework.data.mongodb.core.query.Query.query(
                        org.springframework.data.mongodb.core.query.Criteria.where("_id").is(clinic)),
                new org.springframework.data.mongodb.core.query.Update().unset("open." + alertId).inc("count.LOW", -1), "clinicAlerts");
        assertThat(alerts(clinic, "OPEN")).isEmpty();
        publish(lost);
        await().atMost(Duration.ofSeconds(10)).until(() -> alerts(clinic, "OPEN").size() == 1);
        assertThat(call("GET", "/api/clinics/" + clinic + "/dashboard", null).body().get("openAlerts").get("LOW").asInt()).isEqualTo(1);

        assertThat(call("POST", "/api/alerts/" + alertId + "/acknowledge", "{}").status()).isEqualTo(200);
        assertThat(alerts(clinic, "OPEN")).isEmpty();
        assertThat(alerts(clinic, "ACKNOWLEDGED")).extracting(a -> a.get("alertId").asString()).containsExactly(alertId.toString());
        publish(lost);
        publish(lost);
        var marker = raise(patientId, clinic, AlertLevel.HIGH, hoursAgo(1)); // same partition: handled after the redeliveries
        await().atMost(Duration.ofSeconds(10)).until(() -> alerts(clinic, "OPEN").size() == 1);
        assertThat(alerts(clinic, "OPEN")).extracting(a -> a.get("alertId").asString()).containsExactly(marker.toString());
        assertThat(alerts(clinic, "ACKNOWLEDGED")).hasSize(1);
        var counts = call("GET", "/api/clinics/" + clinic + "/dashboard", null).body().get("openAlerts");
        assertThat(counts.get("LOW").asInt()).isZero();
        assertThat(counts.get("HIGH").asInt()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- helpers

    private Instant hoursAgo(long hours) {
        return clock.instant().minus(Duration.ofHours(hours));
    }

    private void publish(EventEnvelope event) {
        try {
            kafka.send(event.topic(), event.key(), codec.encode(event)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private UUID patient() {
        return patient(CLINIC);
    }

    /** Publishes an AlertRaised as the service itself would have staged it; returns the alert id. */
    private UUID raise(UUID patientId, String clinic, AlertLevel level, Instant at) {
        var alertId = UUID.randomUUID();
        publish(EventEnvelope.of(at, patientId, clinic, new EventPayload.AlertRaised(alertId, level, AlertRule.HIGH_SORENESS,
                UUID.randomUUID(), UUID.randomUUID(), Checkpoint.H24)));
        return alertId;
    }

    private UUID patient(String clinic) {
        var patientId = UUID.randomUUID();
        var now = clock.instant();
        publish(EventEnvelope.of(now.minus(Duration.ofDays(10)), patientId, clinic,
                new EventPayload.PatientRegistered(now.minus(Duration.ofDays(10)))));
        publish(EventEnvelope.of(now.minus(Duration.ofDays(9)), patientId, clinic, new EventPayload.IntakeCompleted(UUID.randomUUID(),
                now.minus(Duration.ofDays(9)), "t-1", List.of(), 7, NeedlingClearance.CLEARED, List.of(),
                List.of(new RomReading(Joint.SHOULDER, Movement.FLEXION, Side.RIGHT, 120, null)))));
        return patientId;
    }

    private UUID session(UUID patientId, Instant endedAt) {
        return session(patientId, CLINIC, endedAt, List.of(Technique.DEEP));
    }

    /** Publishes a SessionRecorded and waits until its follow-ups exist. */
    private UUID session(UUID patientId, String clinic, Instant endedAt, List<Technique> techniques) {
        var event = sessionRecorded(patientId, clinic, endedAt, techniques);
        publish(event);
        var sessionId = ((EventPayload.SessionRecorded) event.payload()).sessionId();
        followUpsOf(sessionId);
        return sessionId;
    }

    private EventEnvelope sessionRecorded(UUID patientId, Instant endedAt, List<Technique> techniques) {
        return sessionRecorded(patientId, CLINIC, endedAt, techniques);
    }

    private EventEnvelope sessionRecorded(UUID patientId, String clinic, Instant endedAt, List<Technique> techniques) {
        var needling = techniques.stream().map(t -> new NeedlingSite("UPPER_TRAPEZIUS", Side.RIGHT, t, 2, 60, true)).toList();
        return EventEnvelope.of(endedAt, patientId, clinic, new EventPayload.SessionRecorded(UUID.randomUUID(), "t-1",
                endedAt.minus(Duration.ofMinutes(45)), endedAt, needling, List.of("STRETCHING"), 6, 4,
                List.of(new RomReading(Joint.SHOULDER, Movement.FLEXION, Side.RIGHT, 125, RomPhase.PRE),
                        new RomReading(Joint.SHOULDER, Movement.FLEXION, Side.RIGHT, 140, RomPhase.POST)), false, false));
    }

    /** The session's follow-ups once its SessionRecorded has been handled. */
    private List<JsonNode> followUpsOf(UUID sessionId) {
        return await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> call("GET", "/api/sessions/" + sessionId + "/follow-ups", null),
                        response -> response.status() == 200 && response.body().size() == 2)
                .body().valueStream().toList();
    }

    private JsonNode issueLink(UUID followUpId) {
        var response = call("POST", "/api/follow-ups/" + followUpId + "/survey-link", null);
        assertThat(response.status()).as("issue link: %s", response.body()).isEqualTo(201);
        return response.body();
    }

    private Response submit(String token, int soreness, int pain, String severity) {
        return call("POST", "/api/surveys/" + token, """
                { "soreness": %d, "pain": %d, "bruising": false, "fatigue": false, "lightheaded": false,
                  "adverseEvent": { "severity": "%s", "description": "" }, "comment": "" }""".formatted(soreness, pain, severity));
    }

    private static String surveyAnswer(int soreness, int pain) {
        return """
                { "soreness": %d, "pain": %d, "bruising": false, "fatigue": false, "lightheaded": false,
                  "adverseEvent": { "severity": "NONE", "description": "" }, "comment": "" }""".formatted(soreness, pain);
    }

    private ResponseEntity<String> postWithKey(String path, String body, String idempotencyKey) {
        return http.post().uri(path).header("Idempotency-Key", idempotencyKey).contentType(MediaType.APPLICATION_JSON).body(body)
                .retrieve().toEntity(String.class);
    }

    private JsonNode timeline(UUID patientId) {
        return call("GET", "/api/patients/" + patientId + "/timeline", null).body();
    }

    private List<JsonNode> alerts(String clinic, String status) {
        var response = call("GET", "/api/clinics/" + clinic + "/alerts?status=" + status + "&limit=500", null);
        assertThat(response.status()).isEqualTo(200);
        return response.body().valueStream().toList();
    }

    private JsonNode awaitAlert(String clinic, String status, String sessionId, AlertRule rule) {
        return await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> alerts(clinic, status).stream()
                        .filter(a -> a.get("sessionId").asString().equals(sessionId) && a.get("rule").asString().equals(rule.name()))
                        .findFirst(), java.util.Optional::isPresent)
                .orElseThrow();
    }

    record Response(int status, JsonNode body) {
    }

    private Response call(String method, String path, String body) {
        var request = http.method(org.springframework.http.HttpMethod.valueOf(method)).uri(path);
        if (body != null) {
            request = request.contentType(MediaType.APPLICATION_JSON).body(body);
        }
        var entity = request.retrieve().toEntity(String.class);
        JsonNode node = entity.getBody() == null ? json.createObjectNode() : json.readTree(entity.getBody());
        return new Response(entity.getStatusCode().value(), node);
    }
}
