package dev.knotless.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.knotless.launcher.Service;
import dev.knotless.system.Broker.Coordinates;
import dev.knotless.system.Broker.Letter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fault test 4 of issue 13: poison messages sent straight to the broker, on every topic, keyed by a
 * real patient, with that patient's real events behind them on the same partition. Each poison
 * message is dead-lettered to {@code <topic>-dlt} by every consumer group that reads the topic and
 * counted by {@code knotless.messaging.dead.lettered{topic}}; the events behind it are applied.
 *
 * <p>A duplicate-key effect cannot make a message fail here, by design (docs/architecture.md,
 * decision 2): the consumers dedupe by eventId in the same write as the effect, and the only keys
 * an event's effect can collide on are ids derived from its fact (follow-ups from session and
 * checkpoint, alerts from their cause, timeline entries by fact id), which are inserted with the
 * duplicate key caught or upserted. The honest test of it is the same fact published again under a
 * new eventId (a producer that re-publishes): absorbed, applied once, not dead-lettered.
 *
 * <p>Replaying: no dead letter here has a cause that can be removed without a code change. The
 * consumers are order-tolerant (upserts; an acknowledgement of an unknown alert or an answer of an
 * unknown follow-up is logged and skipped), so no event fails for data that arrives later, and a
 * store or broker out of reach is retried, never dead-lettered (decision 3; until StoreOutageIT found
 * it, the error handler dead-lettered those at once, and two races did too: good events whose replay,
 * once the store was back, would have been the case; all three are fixed). Every dead letter is
 * the message's own fault, which only a consumer that understands it (new code) would accept. What
 * the test replays instead is the case replay must be safe for: a message one group applied and the
 * other dead-lettered (an IntakeCompleted without its needling clearance, which outcomes-service files
 * and session-service's safety gate cannot use). Replayed twice through {@code ./knotless dlt replay},
 * it reaches both groups again: the one that applied it changes nothing (applied exactly once), the
 * one that refused it dead-letters it again, visibly.
 */
class PoisonMessagesIT {

    private static final String INTAKE = "knotless.intake.v1";
    private static final String SESSION = "knotless.session.v1";
    private static final String OUTCOME = "knotless.outcome.v1";
    private static final List<String> TOPICS = List.of(INTAKE, SESSION, OUTCOME);
    /** The consumer groups of each topic: session-service's two @KafkaListeners, outcomes-service's one on all three. */
    private static final Map<String, Set<String>> READERS = Map.of(
            INTAKE, Set.of("session-service", "outcomes-service"),
            SESSION, Set.of("outcomes-service"),
            OUTCOME, Set.of("session-service", "outcomes-service"));
    private static final Map<String, Service> SERVICE_OF_GROUP = Map.of("session-service", Service.SESSION, "outcomes-service", Service.OUTCOMES);
    private static final Pattern REPLAYED_TO = Pattern.compile("-> (\\S+)/(\\d+)/(\\d+)");

    private static RunningSystem system;
    private static Http api;
    private static Broker broker;
    private static Metrics metrics;

    /** One poison message and where it went. */
    private record Poison(String kind, Coordinates at) {
    }

    @BeforeAll
    static void start() throws Exception {
        system = RunningSystem.start();
        api = new Http(system.gatewayUrl(), system.signIn("therapist-a"));
        metrics = new Metrics(system, system.signIn("operator"));
        broker = new Broker(system.kafkaBootstrapServers());
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
        if (system != null) {
            system.close();
        }
    }

    @Test
    void poisonOnEveryTopicIsDeadLetteredByEachReaderAndThePatientsLaterEventsAreApplied() {
        Map<String, Long> countedBefore = counted();
        String patientId = register("Poison", "Drill");
        String clinicId = api.get("/api/patients/" + patientId).text("clinicId");
        List<Poison> poisons = new ArrayList<>();
        for (String topic : TOPICS) {
            poisons.addAll(poisonOn(topic, patientId, clinicId));
        }

        // session-service holds the patient's sessions once it set an intake or outcome event aside unread: the event
        // could have been a contraindication or a significant adverse event (fail closed, SafetyHolds).
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<Coordinates, Set<String>> groups = groupsByOriginal();
            for (Poison poison : poisons) {
                if (!poison.at().topic().equals(SESSION)) {
                    assertThat(groups.getOrDefault(poison.at(), Set.of())).as("%s at %s", poison.kind(), poison.at()).contains("session-service");
                }
            }
        });
        Http.Reply held = api.post("/api/patients/" + patientId + "/sessions", Requests.session(Duration.ofHours(30), false));
        assertThat(held.status()).isEqualTo(503);
        assertThat(held.text("type")).isEqualTo("/problems/safety-data-unreadable");

        // Every good event of the patient comes after the poison on its partition: the API writes start now, with the
        // new intake (the therapist screens the patient again), which releases the hold.
        Http.Reply intake = api.post("/api/patients/" + patientId + "/intake", Requests.intake());
        assertThat(intake.status()).isEqualTo(201);
        String assessmentId = intake.text("assessmentId");
        List<String> sessions = new ArrayList<>();
        // Accepted once session-service has applied the IntakeCompleted (knotless.intake.v1); a refusal writes nothing.
        String sessionId = await().atMost(Duration.ofSeconds(60)).until(
                () -> api.post("/api/patients/" + patientId + "/sessions", Requests.session(Duration.ofHours(30), false)),
                reply -> reply.status() == 201).text("sessionId");
        sessions.add(sessionId);
        // outcomes-service created the follow-ups from the SessionRecorded (knotless.session.v1).
        String followUpId = UUID.nameUUIDFromBytes(("follow-up:" + sessionId + ":H24").getBytes(StandardCharsets.UTF_8)).toString();
        String token = await().atMost(Duration.ofSeconds(60)).until(
                () -> api.post("/api/follow-ups/" + followUpId + "/survey-link", ""), reply -> reply.status() == 201).text("token");
        // Straight to outcomes-service: the gateway limits survey answers per address, and this test is about the broker.
        assertThat(new Http(system.url(Service.OUTCOMES), null).post("/api/surveys/" + token, Requests.surveyAnswer("SIGNIFICANT")).status())
                .isEqualTo(201);
        // session-service applied the answer's AlertRaised (knotless.outcome.v1): the next session needs the review.
        // A session accepted before that is a real one, and counted as such.
        Http.Reply refused = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            Http.Reply reply = api.post("/api/patients/" + patientId + "/sessions", Requests.session(Duration.ofHours(2), false));
            if (reply.status() == 201) {
                sessions.add(reply.text("sessionId"));
            }
            return reply;
        }, reply -> reply.status() == 409);
        assertThat(refused.text("type")).isEqualTo("/problems/adverse-event-review-required");

        // The same SessionRecorded again under a new eventId, then a good session behind it.
        ConsumerRecord<String, String> recorded = broker.records(SESSION).stream()
                .filter(record -> record.value().contains(sessionId)).findFirst().orElseThrow();
        ObjectNode copy = (ObjectNode) Http.JSON.readTree(recorded.value());
        copy.put("eventId", UUID.randomUUID().toString());
        Coordinates duplicate = broker.send(SESSION, patientId, Http.JSON.writeValueAsString(copy));
        Http.Reply reviewed = api.post("/api/patients/" + patientId + "/sessions", Requests.session(Duration.ofHours(1), true));
        assertThat(reviewed.status()).isEqualTo(201);
        sessions.add(reviewed.text("sessionId"));

        Map<String, Long> seen = new HashMap<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode timeline = timeline(patientId);
            seen.clear();
            entries(timeline, "SESSION").forEach(id -> seen.merge(id, 1L, Long::sum));
            assertThat(entries(timeline, "INTAKE")).contains(assessmentId);
            assertThat(seen.keySet()).containsAll(sessions);
            assertThat(StreamSupport.stream(timeline.path("series").path("soreness").path("H24").spliterator(), false)
                    .map(point -> point.path("followUpId").asString()).toList()).contains(followUpId);
            assertThat(entries(timeline, "ALERT")).isNotEmpty();
        });
        Map<Coordinates, Set<String>> deadLetteredBy = new HashMap<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            deadLetteredBy.clear();
            deadLetteredBy.putAll(groupsByOriginal());
            for (Poison poison : poisons) {
                assertThat(deadLetteredBy.get(poison.at())).as("the groups that dead-lettered the %s at %s", poison.kind(), poison.at())
                        .isEqualTo(READERS.get(poison.at().topic()));
            }
        });
        Map<String, Long> counted = counted();

        long letters = poisons.stream().mapToLong(poison -> deadLetteredBy.get(poison.at()).size()).sum();
        long expectedLetters = poisons.stream().mapToLong(poison -> READERS.get(poison.at().topic()).size()).sum();
        long lost = sessions.stream().filter(id -> !seen.containsKey(id)).count();
        long duplicated = sessions.stream().filter(id -> seen.getOrDefault(id, 0L) > 1).count();
        int followUps = api.get("/api/sessions/" + sessionId + "/follow-ups").body().size();
        System.out.printf("[measure] poison: %d poison messages (4 kinds on each of 3 topics), %d dead letters (expected %d, one per"
                        + " consumer group reading the topic), counted %s; the patient's writes behind them (intake, sessions, survey"
                        + " answer): %d acknowledged, %d applied, %d lost, %d duplicated; a SessionRecorded published again under a new"
                        + " eventId: %d dead-lettered, its session %d time(s) on the timeline, %d follow-ups%n",
                poisons.size(), letters, expectedLetters, difference(countedBefore, counted), sessions.size() + 2,
                sessions.size() - lost + 2, lost, duplicated, deadLetteredBy.getOrDefault(duplicate, Set.of()).size(), seen.get(sessionId), followUps);

        assertThat(letters).isEqualTo(expectedLetters);
        for (Service service : List.of(Service.SESSION, Service.OUTCOMES)) {
            for (String topic : TOPICS) {
                long sent = poisons.stream().filter(poison -> poison.at().topic().equals(topic)).count();
                boolean reads = READERS.get(topic).stream().anyMatch(group -> SERVICE_OF_GROUP.get(group) == service);
                assertThat(counted.get(key(service, topic)) - countedBefore.get(key(service, topic)))
                        .as("knotless_messaging_dead_lettered_total{topic=\"%s\"} of %s", topic, service).isEqualTo(reads ? sent : 0);
            }
        }
        assertThat(lost).isZero();
        assertThat(duplicated).isZero();
        assertThat(deadLetteredBy).as("the re-published SessionRecorded is absorbed, not dead-lettered").doesNotContainKey(duplicate);
        assertThat(followUps).isEqualTo(2);
    }

    @Test
    void aReplayedDeadLetterReachesEveryGroupAgainAndIsAppliedAtMostOnce() throws Exception {
        String patientId = register("Replay", "Drill");
        String clinicId = api.get("/api/patients/" + patientId).text("clinicId");
        assertThat(api.post("/api/patients/" + patientId + "/intake", Requests.intake()).status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(60)).until(
                () -> api.post("/api/patients/" + patientId + "/sessions", Requests.session(Duration.ofHours(3), false)).status() == 201);

        // An IntakeCompleted without its needling clearance: outcomes-service files it, session-service cannot gate on it.
        String assessmentId = UUID.randomUUID().toString();
        Map<String, Object> withoutClearance = new LinkedHashMap<>(intakePayload(assessmentId));
        withoutClearance.remove("needlingClearance");
        Coordinates poison = broker.send(INTAKE, patientId, envelope("IntakeCompleted", 1, patientId, clinicId, withoutClearance));
        Letter letter = await().atMost(Duration.ofSeconds(60)).until(() -> broker.deadLetters(INTAKE).stream()
                .filter(l -> l.original().equals(poison)).toList(), found -> !found.isEmpty()).getFirst();
        assertThat(letter.group()).isEqualTo("session-service");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(entries(timeline(patientId), "INTAKE")).contains(assessmentId));
        assertThat(groupsByOriginal().get(poison)).containsExactly("session-service");

        JsonNode before = timeline(patientId);
        long sessionCountedBefore = metrics.deadLettered(Service.SESSION, INTAKE);
        long outcomesCountedBefore = metrics.deadLettered(Service.OUTCOMES, INTAKE);
        List<Coordinates> replays = List.of(replay(letter.at()), replay(letter.at()));
        Coordinates last = replays.getLast();
        // Both groups have read past the replays: session-service dead-lettered each again, outcomes-service skipped them.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            for (Coordinates replayed : replays) {
                assertThat(groupsByOriginal().get(replayed)).as("the groups that dead-lettered the replay at %s", replayed)
                        .isEqualTo(Set.of("session-service"));
            }
            assertThat(broker.committed("outcomes-service", INTAKE, last.partition())).isGreaterThan(last.offset());
        });
        List<Letter> again = broker.deadLetters(INTAKE).stream().filter(l -> replays.contains(l.original())).toList();
        JsonNode after = timeline(patientId);
        long sessionCounted = metrics.deadLettered(Service.SESSION, INTAKE) - sessionCountedBefore;
        long outcomesCounted = metrics.deadLettered(Service.OUTCOMES, INTAKE) - outcomesCountedBefore;
        long onTimeline = entries(after, "INTAKE").stream().filter(assessmentId::equals).count();
        System.out.printf("[measure] dlt replay: 1 dead letter (dead-lettered by session-service, applied by outcomes-service) replayed"
                        + " 2 times: dead-lettered again %d times (counted %d by session-service, %d by outcomes-service), on the timeline"
                        + " %d time(s), timeline unchanged: %b%n",
                again.size(), sessionCounted, outcomesCounted, onTimeline, after.equals(before));

        assertThat(again).extracting(Letter::replayedFrom).containsOnly(letter.at().toString());
        assertThat(sessionCounted).isEqualTo(2);
        assertThat(outcomesCounted).isZero();
        assertThat(onTimeline).isEqualTo(1);
        assertThat(after.path("entries")).isEqualTo(before.path("entries"));
        assertThat(after.path("baseline")).isEqualTo(before.path("baseline"));
        assertThat(after.path("series")).isEqualTo(before.path("series"));
        // session-service could not read that intake, so it holds the patient's sessions (it may have said CONTRAINDICATED),
        // replays set aside again included, until the patient is screened again.
        Http.Reply held = api.post("/api/patients/" + patientId + "/sessions", Requests.session(Duration.ofHours(2), false));
        assertThat(held.status()).isEqualTo(503);
        assertThat(held.text("type")).isEqualTo("/problems/safety-data-unreadable");
        assertThat(api.post("/api/patients/" + patientId + "/intake", Requests.intake()).status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(60)).until(
                () -> api.post("/api/patients/" + patientId + "/sessions", Requests.session(Duration.ofHours(2), false)).status() == 201);
    }

    /** Four poison messages on {@code topic}, keyed by the patient: malformed JSON, an unknown type, an unknown schema version, an invalid payload. */
    private static List<Poison> poisonOn(String topic, String patientId, String clinicId) {
        String type = switch (topic) {
            case INTAKE -> "IntakeCompleted";
            case SESSION -> "SessionRecorded";
            default -> "AlertAcknowledged";
        };
        Map<String, Object> valid = switch (topic) {
            case INTAKE -> intakePayload(UUID.randomUUID().toString());
            case SESSION -> sessionPayload(UUID.randomUUID().toString());
            default -> Map.of("alertId", UUID.randomUUID().toString(), "acknowledgedBy", "poison-drill");
        };
        // Without the id of its fact: session-service's read model refuses it (intake, alert), outcomes-service's handlers fail on it.
        Map<String, Object> invalid = new LinkedHashMap<>(valid);
        invalid.remove(switch (topic) {
            case INTAKE -> "assessmentId";
            case SESSION -> "sessionId";
            default -> "alertId";
        });
        return List.of(
                new Poison("malformed JSON", broker.send(topic, patientId,
                        "{\"eventId\": \"" + UUID.randomUUID() + "\", \"type\": \"" + type + "\", \"payload\": {\"registeredAt\": ")),
                new Poison("unknown type", broker.send(topic, patientId, envelope("PatientTeleported", 1, patientId, clinicId,
                        Map.of("destination", "elsewhere")))),
                new Poison("unknown schema version", broker.send(topic, patientId, envelope(type, 2, patientId, clinicId, valid))),
                new Poison("invalid payload", broker.send(topic, patientId, envelope(type, 1, patientId, clinicId, invalid))));
    }

    private static String envelope(String type, int schemaVersion, String patientId, String clinicId, Map<String, Object> payload) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("eventId", UUID.randomUUID().toString());
        envelope.put("type", type);
        envelope.put("schemaVersion", schemaVersion);
        envelope.put("occurredAt", Instant.now().toString());
        envelope.put("patientId", patientId);
        envelope.put("clinicId", clinicId);
        envelope.put("payload", payload);
        return Http.JSON.writeValueAsString(envelope);
    }

    private static Map<String, Object> intakePayload(String assessmentId) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("assessmentId", assessmentId);
        payload.put("assessedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(1)).toString());
        payload.put("therapistId", "poison-drill");
        payload.put("complaints", List.of(Map.of("bodyRegion", "SHOULDER", "side", "RIGHT")));
        payload.put("painNprs", 5);
        payload.put("needlingClearance", "CLEARED");
        payload.put("reasons", List.of());
        payload.put("rom", List.of());
        return payload;
    }

    private static Map<String, Object> sessionPayload(String sessionId) {
        Instant ended = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(5));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("sessionId", sessionId);
        payload.put("therapistId", "poison-drill");
        payload.put("startedAt", ended.minus(Duration.ofMinutes(30)).toString());
        payload.put("endedAt", ended.toString());
        payload.put("needling", List.of());
        payload.put("adjuncts", List.of());
        payload.put("painBefore", 5);
        payload.put("painAfter", 3);
        payload.put("rom", List.of());
        payload.put("precautionAcknowledged", false);
        payload.put("adverseEventReviewed", false);
        return payload;
    }

    /** {@code ./knotless dlt replay COORDINATES}, from the launcher's jar as the script runs it; where the message went. */
    private static Coordinates replay(Coordinates letter) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar",
                system.root().resolve("launcher/target/knotless-launcher.jar").toString(),
                "dlt", "replay", letter.toString(), "--bootstrap-servers", system.kafkaBootstrapServers())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("1 replayed.");
        Matcher matcher = REPLAYED_TO.matcher(output);
        assertThat(matcher.find()).as(output).isTrue();
        return new Coordinates(matcher.group(1), Integer.parseInt(matcher.group(2)), Long.parseLong(matcher.group(3)));
    }

    /** For every dead-lettered message of the three topics, the consumer groups that dead-lettered it. */
    private static Map<Coordinates, Set<String>> groupsByOriginal() {
        return TOPICS.stream().flatMap(topic -> broker.deadLetters(topic).stream())
                .collect(Collectors.groupingBy(Letter::original, Collectors.mapping(Letter::group, Collectors.toSet())));
    }

    /** knotless_messaging_dead_lettered_total by service and topic. */
    private static Map<String, Long> counted() {
        Map<String, Long> counted = new LinkedHashMap<>();
        for (Service service : List.of(Service.SESSION, Service.OUTCOMES)) {
            for (String topic : TOPICS) {
                counted.put(key(service, topic), metrics.deadLettered(service, topic));
            }
        }
        return counted;
    }

    private static Map<String, Long> difference(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> difference = new LinkedHashMap<>();
        after.forEach((key, value) -> difference.put(key, value - before.getOrDefault(key, 0L)));
        return difference;
    }

    private static String key(Service service, String topic) {
        return service.serviceName() + " " + topic;
    }

    private static String register(String givenName, String familyName) {
        Http.Reply reply = api.post("/api/patients", Requests.patient(givenName, familyName));
        assertThat(reply.status()).isEqualTo(201);
        return reply.text("patientId");
    }

    private static JsonNode timeline(String patientId) {
        Http.Reply reply = api.get("/api/patients/" + patientId + "/timeline");
        assertThat(reply.status()).isEqualTo(200);
        return reply.body();
    }

    /** The ids of the timeline's entries of one type, in order. */
    private static List<String> entries(JsonNode timeline, String type) {
        return StreamSupport.stream(timeline.path("entries").spliterator(), false)
                .filter(entry -> entry.path("type").asString().equals(type))
                .map(entry -> entry.path("id").asString()).toList();
    }
}
