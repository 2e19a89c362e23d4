package dev.knotless.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.knotless.system.Http.Reply;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The core journey of a therapist and a patient, over HTTP through the gateway only, against the
 * whole system as ./knotless up runs it: a real Kafka broker, the embedded store and the four
 * services as separate processes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DryNeedlingJourneyIT {

    private static RunningSystem system;
    private static Http api;
    /** Before the first request of the journeys: the audit test reads the clinic's trail from here. */
    private static Instant journeysFrom;
    // The clinic of the demo account the journey signs in as (the token names it, not the request).
    private final String clinicId = "clinic-a";

    @BeforeAll
    static void startTheWholeSystem() throws Exception {
        system = RunningSystem.start();
        api = new Http(system.gatewayUrl(), system.signIn("therapist-a"));
        journeysFrom = Instant.now().minusSeconds(1);
    }

    @AfterAll
    static void stopIt() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void aPatientIsTreatedAnswersTheSurveyOnceAndTheTimelineAndAlertsFollow() {
        int activeBefore = api.get("/api/clinics/" + clinicId + "/dashboard").body().path("activePatients").asInt();
        String patientId = registerPatient();
        Reply intake = api.post("/api/patients/" + patientId + "/intake", intake(false));
        assertThat(intake.status()).isEqualTo(201);
        assertThat(intake.text("needlingClearance")).isEqualTo("CLEARED");

        // Recorded after the fact: the session ended 30 hours ago, so the H24 survey is open now.
        Instant ended = Instant.now().minus(30, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        String sessionId = recordSession(patientId, ended);

        JsonNode h24 = followUp(sessionId, "H24", "OPEN");
        assertThat(followUp(sessionId, "H48", "SCHEDULED").path("status").asString()).isEqualTo("SCHEDULED");

        String token = issueSurveyLink(h24);
        Reply survey = api.get("/api/surveys/" + token);
        assertThat(survey.status()).isEqualTo(200);
        assertThat(survey.text("checkpoint")).isEqualTo("H24");
        assertThat(survey.body().has("givenName")).as("the survey page shows no identity").isFalse();

        Reply submitted = api.post("/api/surveys/" + token, survey(3, "NONE"));
        assertThat(submitted.status()).isEqualTo(201);
        long submittedAt = System.nanoTime();
        Reply again = api.post("/api/surveys/" + token, survey(3, "NONE"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().path("type").asString()).isNotBlank();

        JsonNode timeline = await("the timeline shows the H24 soreness").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> api.get("/api/patients/" + patientId + "/timeline"),
                        reply -> reply.status() == 200 && sorenessAt(reply.body(), "H24").contains(3)).body();
        long reflectedMillis = (System.nanoTime() - submittedAt) / 1_000_000;
        System.out.printf("[measure] survey submission reflected in the timeline after %d ms%n", reflectedMillis);
        assertThat(timeline.toString()).contains("SHOULDER").contains("FLEXION").contains("140");

        // A second session; soreness 8 the next day raises a HIGH alert for a call.
        String secondSession = recordSession(patientId, Instant.now().minus(26, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS));
        String secondToken = issueSurveyLink(followUp(secondSession, "H24", "OPEN"));
        assertThat(api.post("/api/surveys/" + secondToken, survey(8, "NONE")).status()).isEqualTo(201);

        JsonNode alert = await("a HIGH alert for soreness 8").atMost(Duration.ofSeconds(10))
                .until(() -> openAlerts().stream()
                        .filter(a -> a.path("patientId").asString().equals(patientId) && a.path("level").asString().equals("HIGH"))
                        .findFirst(), java.util.Optional::isPresent)
                .orElseThrow();
        // The acknowledging therapist is the signed-in one: the body names nobody.
        Reply acknowledged = api.post("/api/alerts/" + alert.path("alertId").asString() + "/acknowledge", Map.of());
        assertThat(acknowledged.status()).isEqualTo(200);
        assertThat(acknowledged.text("acknowledgedBy")).isEqualTo("therapist-a");
        await("the acknowledged alert leaves the open list").atMost(Duration.ofSeconds(10))
                .until(() -> openAlerts().stream().noneMatch(a -> a.path("alertId").equals(alert.path("alertId"))));

        Reply dashboard = api.get("/api/clinics/" + clinicId + "/dashboard");
        assertThat(dashboard.status()).isEqualTo(200);
        assertThat(dashboard.body().path("activePatients").asInt()).isEqualTo(activeBefore + 1);
    }

    @Test
    void aContraindicatedPatientCannotBeNeedled() {
        String patientId = registerPatient();
        Reply intake = api.post("/api/patients/" + patientId + "/intake", intake(true));
        assertThat(intake.status()).isEqualTo(201);
        assertThat(intake.text("needlingClearance")).isEqualTo("CONTRAINDICATED");
        assertThat(intake.body().path("reasons").toString()).contains("BLEEDING_DISORDER");

        // Until session-service has read the registration and the intake it answers 404 or 409, then 422 for good.
        Reply refused = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> api.post("/api/patients/" + patientId + "/sessions", session(Instant.now().minus(1, ChronoUnit.HOURS))),
                        DryNeedlingJourneyIT::sessionServiceHasCaughtUp);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.body().path("type").asString()).endsWith("/contraindicated");
        assertThat(api.get("/api/patients/" + patientId + "/sessions").body().size()).isZero();
    }

    @Test
    void bothFollowUpsOfASessionLongPastAreMissed() {
        String patientId = registerPatient();
        assertThat(api.post("/api/patients/" + patientId + "/intake", intake(false)).status()).isEqualTo(201);
        String sessionId = recordSession(patientId, Instant.now().minus(100, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS));

        followUp(sessionId, "H24", "MISSED");
        followUp(sessionId, "H48", "MISSED");
        await("a LOW alert: both follow-ups missed").atMost(Duration.ofSeconds(10))
                .until(() -> openAlerts().stream().anyMatch(a -> a.path("patientId").asString().equals(patientId)
                        && a.path("level").asString().equals("LOW")));
    }

    @Test
    void badInputIsAProblemDetailNamingTheFieldNeverAServerError() {
        String patientId = registerPatient();
        Map<String, Object> painEleven = new java.util.HashMap<>(intake(false));
        painEleven.put("painNprs", 11);

        Reply reply = api.post("/api/patients/" + patientId + "/intake", painEleven);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.header("Content-Type")).contains("application/problem+json");
        assertThat(reply.body().toString()).contains("painNprs");
        assertThat(api.post("/api/patients", "{\"clinicId\": ").status()).isEqualTo(400);
        assertThat(api.get("/api/patients/" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(api.get("/api/surveys/not-a-real-token").status()).isEqualTo(404);
    }

    /** Last (the other tests have no order): the journeys' requests are the trail it reads. */
    @Test
    @Order(Integer.MAX_VALUE)
    void aClinicAdminReadsTheClinicsTrailAcrossTheServicesInOneCallAndPagesThroughItOnce() throws Exception {
        Http admin = new Http(system.gatewayUrl(), system.signIn("admin-a"));
        String window = "from=" + journeysFrom + "&to=" + Instant.now().truncatedTo(ChronoUnit.MILLIS);

        Reply whole = admin.get("/api/clinics/" + clinicId + "/audit?" + window + "&limit=500");
        assertThat(whole.status()).as(whole.body().toString()).isEqualTo(200);
        assertThat(whole.header("Cache-Control")).isEqualTo("no-store");
        List<String> all = new java.util.ArrayList<>();
        for (Reply page = whole; ; page = admin.get("/api/clinics/" + clinicId + "/audit?limit=500&cursor=" + page.text("next"))) {
            assertThat(page.status()).isEqualTo(200);
            page.body().path("records").forEach(record -> all.add(record.path("service").asString() + " " + record.path("requestId").asString()));
            if (page.body().path("next").isNull()) {
                break;
            }
        }
        assertThat(all.stream().map(record -> record.split(" ")[0]).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("intake-service", "session-service", "outcomes-service");

        long started = System.nanoTime();
        List<String> paged = new java.util.ArrayList<>();
        int pages = 0;
        for (Reply page = admin.get("/api/clinics/" + clinicId + "/audit?" + window + "&limit=5"); ; pages++) {
            assertThat(page.status()).as(page.body().toString()).isEqualTo(200);
            List<JsonNode> records = StreamSupport.stream(page.body().path("records").spliterator(), false).toList();
            assertThat(records).hasSizeLessThanOrEqualTo(5);
            assertThat(records.stream().map(record -> Instant.parse(record.path("at").asString())).toList()).isSorted();
            records.forEach(record -> paged.add(record.path("service").asString() + " " + record.path("requestId").asString()));
            if (page.body().path("next").isNull()) {
                break;
            }
            page = admin.get("/api/clinics/" + clinicId + "/audit?limit=5&cursor=" + page.text("next"));
        }
        System.out.printf("[measure] %d audit records of the journeys paged 5 at a time in %d pages, %d ms%n",
                paged.size(), pages + 1, (System.nanoTime() - started) / 1_000_000);
        // Each journey request went to one service under its own request id: every one exactly once.
        assertThat(paged.stream().map(record -> record.split(" ")[1]).distinct().count()).isEqualTo(paged.size());
        assertThat(paged).containsExactlyInAnyOrderElementsOf(all);

        Reply therapist = api.get("/api/clinics/" + clinicId + "/audit");
        assertThat(therapist.status()).isEqualTo(403);
        assertThat(therapist.body().has("records")).isFalse();
    }

    private String registerPatient() {
        Reply registered = api.post("/api/patients", Map.of("clinicId", clinicId, "givenName", "Test", "familyName", "Patient-A",
                "dateOfBirth", "1980-04-02"));
        assertThat(registered.status()).isEqualTo(201);
        assertThat(registered.header("Location")).endsWith(registered.text("patientId"));
        return registered.text("patientId");
    }

    /**
     * Retries while session-service has not yet read the patient (404) or the intake (409 intake-required) from Kafka,
     * or has not yet confirmed since its start that it has read everything (503 safety-data-stale).
     */
    private String recordSession(String patientId, Instant endedAt) {
        Reply recorded = await("session-service knows the intake").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> api.post("/api/patients/" + patientId + "/sessions", session(endedAt)),
                        DryNeedlingJourneyIT::sessionServiceHasCaughtUp);
        assertThat(recorded.status()).as(recorded.body().toString()).isEqualTo(201);
        return recorded.text("sessionId");
    }

    private static boolean sessionServiceHasCaughtUp(Reply reply) {
        String type = reply.body().path("type").asString();
        return !(reply.status() == 404 && type.endsWith("/patient-not-found"))
                && !(reply.status() == 409 && type.endsWith("/intake-required"))
                && !(reply.status() == 503 && type.endsWith("/safety-data-stale"));
    }

    private JsonNode followUp(String sessionId, String checkpoint, String status) {
        return await(checkpoint + " is " + status).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    Reply reply = api.get("/api/sessions/" + sessionId + "/follow-ups");
                    if (reply.status() != 200) {
                        return null;
                    }
                    return StreamSupport.stream(reply.body().spliterator(), false)
                            .filter(f -> f.path("checkpoint").asString().equals(checkpoint) && f.path("status").asString().equals(status))
                            .findFirst().orElse(null);
                }, java.util.Objects::nonNull);
    }

    private String issueSurveyLink(JsonNode followUp) {
        Reply link = api.post("/api/follow-ups/" + followUp.path("followUpId").asString() + "/survey-link", Map.of());
        assertThat(link.status()).isEqualTo(201);
        assertThat(link.text("surveyUrl")).endsWith(link.text("token"));
        return link.text("token");
    }

    private List<JsonNode> openAlerts() {
        Reply reply = api.get("/api/clinics/" + clinicId + "/alerts?status=OPEN");
        assertThat(reply.status()).isEqualTo(200);
        return StreamSupport.stream(reply.body().spliterator(), false).toList();
    }

    private static List<Integer> sorenessAt(JsonNode timeline, String checkpoint) {
        JsonNode series = timeline.path("series").path("soreness").path(checkpoint);
        return StreamSupport.stream(series.spliterator(), false).map(point -> point.path("value").asInt()).toList();
    }

    private static Map<String, Object> intake(boolean bleedingDisorder) {
        return Map.of(
                "assessedAt", Instant.now().minus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString(),
                "complaints", List.of(Map.of("bodyRegion", "SHOULDER", "side", "RIGHT", "description", "overuse")),
                "painNprs", 7,
                "screening", Map.of("pregnant", false, "bleedingDisorder", bleedingDisorder, "anticoagulants", false,
                        "infectionOrWoundAtSite", false, "severeNeedlePhobia", false, "immunocompromised", false),
                "consent", true,
                "rom", List.of(Map.of("joint", "SHOULDER", "movement", "FLEXION", "side", "RIGHT", "degrees", 120)));
    }

    private static Map<String, Object> session(Instant endedAt) {
        return Map.ofEntries(
                Map.entry("startedAt", endedAt.minus(45, ChronoUnit.MINUTES).toString()),
                Map.entry("endedAt", endedAt.toString()),
                Map.entry("needling", List.of(Map.of("muscle", "UPPER_TRAPEZIUS", "side", "RIGHT", "technique", "DEEP",
                        "needles", 2, "dwellSeconds", 60, "twitchResponse", true))),
                Map.entry("adjuncts", List.of("STRETCHING")),
                Map.entry("painBefore", 6),
                Map.entry("painAfter", 4),
                Map.entry("rom", List.of(
                        Map.of("joint", "SHOULDER", "movement", "FLEXION", "side", "RIGHT", "degrees", 125, "phase", "PRE"),
                        Map.of("joint", "SHOULDER", "movement", "FLEXION", "side", "RIGHT", "degrees", 140, "phase", "POST"))),
                Map.entry("precautionAcknowledged", false),
                Map.entry("adverseEventReviewed", false),
                Map.entry("notes", ""));
    }

    private static Map<String, Object> survey(int soreness, String severity) {
        return Map.of("soreness", soreness, "pain", 2, "bruising", false, "fatigue", false, "lightheaded", false,
                "adverseEvent", Map.of("severity", severity, "description", ""), "comment", "");
    }
}
