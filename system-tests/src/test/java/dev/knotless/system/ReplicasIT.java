package dev.knotless.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.knotless.events.Topics;
import dev.knotless.launcher.Service;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * Fault tests 6 and 8 of issue 13, against one start of the whole system as {@code ./knotless up
 * --replicas 2} runs it: two instances of each service behind the gateway, on one database and one
 * consumer group per service, the gateway balancing across them.
 *
 * <p>Per-patient order: 200 patients' sessions, each patient's one after another, all patients at
 * once through the gateway: the patients spread over both session-service instances and their relays
 * (the gateway keeps a patient on one instance, decision 21: with round robin two relays raced and 5
 * of 200 patients' sessions reached the topic out of order), over the partitions, and over both
 * outcomes-service instances, which apply them. Each patient's events are on the topic, and applied,
 * in the order the patient's sessions were recorded.
 *
 * <p>Rolling restart: under steady load (registrations, intakes, sessions and timeline reads, every
 * write with an {@code Idempotency-Key}), each instance of each service is stopped (SIGTERM) and
 * started again in turn. Every write is acknowledged, the client retrying with its key what got a
 * 503; none is lost, none is done twice.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasIT {

    private static final int REPLICAS = 2;
    private static final int PATIENTS = 200;
    private static final int SESSIONS_EACH = 3;
    /** How long a client keeps trying one write with its key (a restarting service answers 503 meanwhile). */
    private static final Duration KEEP_TRYING = Duration.ofSeconds(60);
    /** Clients writing during the rolling restart: a steady load that leaves the restarting JVMs some of the machine's two cores. */
    private static final int LOAD_CLIENTS = 4;

    private static RunningSystem system;
    private static Http api;
    private static String operatorToken;
    /** Test 6's patients, each with its sessions in the order they were recorded; test 8 adds to them. */
    private static final Map<String, List<String>> sessionsOfTest6 = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        system = RunningSystem.start(REPLICAS);
        api = new Http(system.gatewayUrl(), system.signIn("therapist-a"));
        operatorToken = system.signIn("operator");
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @Order(1)
    void eachPatientsEventsAreAppliedInTheOrderThePatientsSessionsWereRecorded() throws Exception {
        long begin = System.nanoTime();
        Writer writer = new Writer(api);
        String[] patients = new String[PATIENTS];
        Load.concurrently(PATIENTS, i -> {
            Http.Reply registered = writer.write("/api/patients", Requests.patient("Order", "Check-" + i));
            assertThat(registered.status()).as(registered.raw().body()).isEqualTo(201);
            patients[i] = registered.text("patientId");
            Http.Reply intake = writer.write("/api/patients/" + patients[i] + "/intake", Requests.intake());
            assertThat(intake.status()).as(intake.raw().body()).isEqualTo(201);
        });
        // Each patient's sessions one after another, the patients all at once: consecutive sessions of a
        // patient go to either instance, so both relays carry each patient's events.
        Map<String, List<String>> recorded = new ConcurrentHashMap<>();
        AtomicInteger refused = new AtomicInteger();
        Load.concurrently(PATIENTS, i -> {
            List<String> sessions = new ArrayList<>();
            for (int k = 0; k < SESSIONS_EACH; k++) {
                Http.Reply session = writer.write("/api/patients/" + patients[i] + "/sessions", Requests.session(Duration.ofHours(30), false));
                if (session.status() == 201) {
                    sessions.add(session.text("sessionId"));
                } else {
                    refused.incrementAndGet();
                }
            }
            recorded.put(patients[i], sessions);
        });
        int submitted = PATIENTS * SESSIONS_EACH;
        int acknowledged = recorded.values().stream().mapToInt(List::size).sum();
        sessionsOfTest6.putAll(recorded);

        try (Backlog backlog = new Backlog(system, operatorToken)) {
            backlog.awaitDrained(Duration.ofMinutes(3), "session-service", "outcomes-service");
        }
        Map<String, Long> recordedPerInstance = new LinkedHashMap<>();
        Metrics metrics = new Metrics(system, operatorToken);
        for (int index = 0; index < REPLICAS; index++) {
            recordedPerInstance.put(Service.instanceName(Service.SESSION, index),
                    Math.round(metrics.sum(Service.SESSION, index, "knotless_sessions_recorded_total", null)));
        }
        Map<String, Integer> partitionsPerConsumer = partitionsPerInstance("outcomes-service");

        // Published: each patient's SessionRecorded events in the order of the topic (one partition per patient).
        Map<String, List<String>> published = new HashMap<>();
        // Applied: outcomes-service opens a session's H24 follow-up (the session ended 30 h ago) as it applies
        // the session, and stamps FollowUpOpened with that instant.
        Map<String, Instant> appliedAt = new HashMap<>();
        try (Broker broker = new Broker(system.kafkaBootstrapServers())) {
            for (ConsumerRecord<String, String> record : broker.records(Topics.SESSION)) {
                JsonNode event = Http.JSON.readTree(record.value());
                if (event.path("type").asString().equals("SessionRecorded")) {
                    List<String> order = published.computeIfAbsent(event.path("patientId").asString(), patient -> new ArrayList<>());
                    String sessionId = event.path("payload").path("sessionId").asString();
                    if (!order.contains(sessionId)) { // a relay's resend after a lease ran out would come again later
                        order.add(sessionId);
                    }
                }
            }
            for (ConsumerRecord<String, String> record : broker.records(Topics.OUTCOME)) {
                JsonNode event = Http.JSON.readTree(record.value());
                if (event.path("type").asString().equals("FollowUpOpened") && event.path("payload").path("checkpoint").asString().equals("H24")) {
                    appliedAt.putIfAbsent(event.path("payload").path("sessionId").asString(), Instant.parse(event.path("occurredAt").asString()));
                }
            }
        }
        int publishedOutOfOrder = 0;
        int appliedOutOfOrder = 0;
        List<String> examples = new ArrayList<>();
        for (var patient : recorded.entrySet()) {
            List<String> sessions = patient.getValue();
            List<String> onTopic = published.getOrDefault(patient.getKey(), List.of());
            if (!onTopic.equals(sessions)) {
                publishedOutOfOrder++;
                examples.add("patient " + patient.getKey() + ": recorded " + sessions + ", on the topic " + onTopic);
            }
            for (int k = 1; k < sessions.size(); k++) {
                Instant earlier = appliedAt.get(sessions.get(k - 1));
                Instant later = appliedAt.get(sessions.get(k));
                if (earlier != null && later != null && later.isBefore(earlier)) {
                    appliedOutOfOrder++;
                    examples.add("patient " + patient.getKey() + ": session " + sessions.get(k) + " applied at " + later + ", before "
                            + sessions.get(k - 1) + " at " + earlier);
                }
            }
        }
        // Applied once each: on its patient's timeline, read through the gateway.
        Map<String, Integer> onTimelines = timelineSessions(List.of(patients));
        long lost = recorded.values().stream().flatMap(List::stream).filter(session -> !onTimelines.containsKey(session)).count();
        long duplicated = onTimelines.values().stream().filter(count -> count > 1).count();
        long opened = recorded.values().stream().flatMap(List::stream).filter(appliedAt::containsKey).count();

        System.out.printf("[measure] per-patient order (--replicas %d) in %d s: %d sessions of %d patients submitted (%d each, in sequence), %d acknowledged,"
                        + " %d refused; recorded per instance %s; outcomes-service partitions per instance %s; %d applied (on timelines),"
                        + " %d follow-ups opened, %d lost, %d duplicated; %d patients' events out of order on the topic, %d sessions applied"
                        + " before an earlier one of their patient; client retries with the same key: %d %s%n",
                REPLICAS, Duration.ofNanos(System.nanoTime() - begin).toSeconds(), submitted, PATIENTS, SESSIONS_EACH, acknowledged, refused.get(), recordedPerInstance, partitionsPerConsumer,
                acknowledged - lost, opened, lost, duplicated, publishedOutOfOrder, appliedOutOfOrder, writer.retries.get(), writer.retriedAfter);
        examples.stream().limit(5).forEach(example -> System.out.println("[measure]   " + example));

        assertThat(acknowledged).isEqualTo(submitted);
        assertThat(recordedPerInstance.values()).as("both session-service instances recorded sessions").allMatch(count -> count > 0);
        assertThat(partitionsPerConsumer).as("both outcomes-service instances read partitions").hasSize(REPLICAS)
                .allSatisfy((member, partitions) -> assertThat(partitions).isPositive());
        assertThat(lost).isZero();
        assertThat(duplicated).isZero();
        assertThat(opened).as("sessions whose H24 follow-up outcomes-service opened").isEqualTo(acknowledged);
        assertThat(publishedOutOfOrder).as("patients whose sessions are out of order on the topic").isZero();
        assertThat(appliedOutOfOrder).as("sessions applied before an earlier session of their patient").isZero();
    }

    @Test
    @Order(2)
    void aRollingRestartUnderLoadLosesAndDoublesNothing() throws Exception {
        assertThat(sessionsOfTest6).as("the first test's patients and sessions").hasSize(PATIENTS);
        List<String> patients = List.copyOf(sessionsOfTest6.keySet());
        long begin = System.nanoTime();
        Writer writer = new Writer(api);
        AtomicBoolean stopLoad = new AtomicBoolean();
        Queue<String> registered = new ConcurrentLinkedQueue<>();
        Queue<String[]> sessions = new ConcurrentLinkedQueue<>(); // {patientId, sessionId}
        AtomicInteger links = new AtomicInteger();
        AtomicInteger iterations = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Map<Integer, AtomicInteger> reads = new ConcurrentHashMap<>();
        AtomicReference<Throwable> loadFailure = new AtomicReference<>();
        // Steady load on all three services, four clients at once until told to stop: a registration (intake-service),
        // a session of one of the first test's patients (session-service), a survey link for one of that patient's
        // follow-ups (outcomes-service), each with its own Idempotency-Key; then the patient's timeline.
        Thread load = Thread.ofVirtual().start(() -> {
            try {
                Load.concurrently(20_000, LOAD_CLIENTS, i -> {
                    if (stopLoad.get()) {
                        return;
                    }
                    iterations.incrementAndGet();
                    String patient = patients.get(i % PATIENTS);
                    String earlierSession = sessionsOfTest6.get(patient).get(i % SESSIONS_EACH);
                    String followUp = UUID.nameUUIDFromBytes(("follow-up:" + earlierSession + ":H24").getBytes(StandardCharsets.UTF_8)).toString();
                    Http.Reply registration = writer.write("/api/patients", Requests.patient("Rolling", "Restart-" + i));
                    Http.Reply session = writer.write("/api/patients/" + patient + "/sessions", Requests.session(Duration.ofHours(30), false));
                    Http.Reply link = writer.write("/api/follow-ups/" + followUp + "/survey-link", "");
                    if (registration.status() == 201) {
                        registered.add(registration.text("patientId"));
                    }
                    if (session.status() == 201) {
                        sessions.add(new String[] {patient, session.text("sessionId")});
                    }
                    if (link.status() == 201) {
                        links.incrementAndGet();
                    }
                    for (Http.Reply reply : List.of(registration, session, link)) {
                        if (reply.status() != 201) {
                            failed.incrementAndGet();
                            System.out.printf("[measure]   iteration %d: a write not acknowledged: %d %s%n", i, reply.status(), reply.raw().body());
                        }
                    }
                    reads.computeIfAbsent(writer.read("/api/patients/" + patient + "/timeline").status(), status -> new AtomicInteger()).incrementAndGet();
                });
            } catch (Exception e) {
                loadFailure.set(e);
            }
        });
        await().atMost(Duration.ofMinutes(1)).until(() -> sessions.size() >= 20);
        Metrics metrics = new Metrics(system, operatorToken);
        double gatewayRetriesBefore = metrics.sum(Service.GATEWAY, "knotless_gateway_retries_total", null);

        // Instance 0 of every service, then instance 1: each service has one instance up throughout.
        Map<String, Duration> restarts = new LinkedHashMap<>();
        for (int index = 0; index < REPLICAS; index++) {
            int instance = index;
            List<CompletableFuture<Void>> rolling = Service.BEHIND_GATEWAY.stream()
                    .map(service -> CompletableFuture.runAsync(() -> {
                        Duration stopping = system.system().stop(service, instance);
                        Duration starting = system.system().restart(service, instance);
                        synchronized (restarts) {
                            restarts.put(Service.instanceName(service, instance), stopping.plus(starting));
                        }
                    }))
                    .toList();
            rolling.forEach(CompletableFuture::join);
        }
        int atEnd = sessions.size();
        await().atMost(Duration.ofMinutes(1)).until(() -> sessions.size() >= atEnd + 20);
        stopLoad.set(true);
        load.join(Duration.ofMinutes(2));
        assertThat(loadFailure.get()).isNull();

        long gatewayRetries = Math.round(metrics.sum(Service.GATEWAY, "knotless_gateway_retries_total", null) - gatewayRetriesBefore);
        try (Backlog backlog = new Backlog(system, operatorToken)) {
            backlog.awaitDrained(Duration.ofMinutes(3), "session-service", "outcomes-service");
        }
        // What the store holds: each registration once, each session once and on its patient's timeline once.
        Map<String, Integer> patientsByName = new HashMap<>();
        Map<String, Integer> sessionsStored = new HashMap<>();
        Map<String, Integer> onTimelines = new HashMap<>();
        try (MongoClient client = MongoClients.create(system.system().storeUri())) {
            for (Document patient : client.getDatabase("knotless-intake").getCollection("patients").find()) {
                if (patient.getString("familyName").startsWith("Restart-")) {
                    patientsByName.merge(patient.getString("familyName"), 1, Integer::sum);
                }
            }
            for (Document session : client.getDatabase("knotless-session").getCollection("sessions").find()) {
                sessionsStored.merge(session.getString("patientId"), 1, Integer::sum);
            }
            for (Document timeline : client.getDatabase("knotless-outcomes").getCollection("timelines").find()) {
                for (Document entry : timeline.getList("entries", Document.class)) {
                    if ("SESSION".equals(entry.getString("type"))) {
                        onTimelines.merge(entry.getString("_id"), 1, Integer::sum);
                    }
                }
            }
        }
        long lost = sessions.stream().filter(session -> !onTimelines.containsKey(session[1])).count()
                + registered.size() - patientsByName.size();
        long patientsDoubled = patientsByName.values().stream().filter(count -> count > 1).count();
        long sessionsStoredForPatients = patients.stream().mapToLong(patient -> sessionsStored.getOrDefault(patient, 0)).sum();
        long sessionsDoubled = sessionsStoredForPatients - (long) PATIENTS * SESSIONS_EACH - sessions.size()
                + onTimelines.values().stream().filter(count -> count > 1).count();
        int acknowledged = registered.size() + sessions.size() + links.get();
        System.out.printf("[measure] rolling restart (--replicas %d) in %d s: %d iterations, %d writes submitted (each with an Idempotency-Key),"
                        + " %d acknowledged (%d registrations, %d sessions, %d survey links), %d not acknowledged; timeline reads by status %s;"
                        + " the gateway sent %d requests again to another instance; the client sent %d requests again with their key %s (%d answered from the key's first answer); stop + start %s;"
                        + " %d registrations and %d sessions applied, %d lost, %d duplicated (%d patients, %d sessions)%n",
                REPLICAS, Duration.ofNanos(System.nanoTime() - begin).toSeconds(), iterations.get(), iterations.get() * 3, acknowledged,
                registered.size(), sessions.size(), links.get(), failed.get(), reads, gatewayRetries, writer.retries.get(), writer.retriedAfter,
                writer.replayed.get(), restarts, patientsByName.size(), sessions.size() - sessions.stream().filter(session -> !onTimelines.containsKey(session[1])).count(),
                lost, patientsDoubled + sessionsDoubled, patientsDoubled, sessionsDoubled);

        assertThat(restarts).hasSize(Service.BEHIND_GATEWAY.size() * REPLICAS);
        assertThat(failed).as("writes not acknowledged within " + KEEP_TRYING.toSeconds() + " s").hasValue(0);
        assertThat(sessions).isNotEmpty();
        assertThat(lost).isZero();
        assertThat(patientsDoubled).isZero();
        assertThat(sessionsDoubled).isZero();
    }

    /** How many times each session appears on the timelines of {@code patients}, read through the gateway. */
    private static Map<String, Integer> timelineSessions(List<String> patients) throws Exception {
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        Load.concurrently(patients.size(), i -> {
            Http.Reply timeline = api.get("/api/patients/" + patients.get(i) + "/timeline");
            assertThat(timeline.status()).isEqualTo(200);
            for (JsonNode entry : timeline.body().path("entries")) {
                if (entry.path("type").asString().equals("SESSION")) {
                    seen.merge(entry.path("id").asString(), 1, Integer::sum);
                }
            }
        });
        return seen;
    }

    /**
     * How many partitions each instance's consumers hold in a consumer group. With several instances
     * the launcher names each one's Kafka clients after it ({@code outcomes-service-1-0}: instance 1,
     * its first consumer).
     */
    private static Map<String, Integer> partitionsPerInstance(String group) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafkaBootstrapServers()))) {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
            Map<String, Integer> partitions = new java.util.TreeMap<>();
            description.members().forEach(member -> partitions.merge(member.clientId().replaceFirst("-\\d+$", ""),
                    member.assignment().topicPartitions().size(), Integer::sum));
            return partitions;
        }
    }

    /**
     * A client that writes with an {@code Idempotency-Key} and sends the same request with the same key
     * again while the answer says to try later: a 503 (a service or instance restarting, safety data
     * not yet confirmed current), a dropped connection, a 409 (the key still in progress; for a session,
     * the intake not yet known to session-service) or a 404 (the patient not yet known there).
     */
    private static final class Writer {
        final AtomicInteger retries = new AtomicInteger();
        final AtomicInteger replayed = new AtomicInteger();
        /** Why requests were sent again: the status of the answer before, or "dropped". */
        final Map<String, AtomicInteger> retriedAfter = new ConcurrentHashMap<>();
        private final Http http;

        Writer(Http http) {
            this.http = http;
        }

        Http.Reply write(String path, Object body) {
            String key = UUID.randomUUID().toString();
            AtomicReference<String> before = new AtomicReference<>();
            Http.Reply reply = await().atMost(KEEP_TRYING).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        if (before.get() != null) {
                            retries.incrementAndGet();
                            retriedAfter.computeIfAbsent(before.get(), why -> new AtomicInteger()).incrementAndGet();
                        }
                        try {
                            Http.Reply answer = http.post(path, body, Map.of("Idempotency-Key", key));
                            before.set(answer.status() + (answer.body().has("type") ? " " + answer.text("type") : ""));
                            return answer;
                        } catch (UncheckedIOException dropped) {
                            before.set("dropped");
                            return null;
                        }
                    }, answer -> answer != null && !List.of(503, 409, 404).contains(answer.status()));
            if ("true".equals(reply.header("Idempotent-Replayed"))) {
                replayed.incrementAndGet();
            }
            return reply;
        }

        Http.Reply read(String path) {
            return await().atMost(KEEP_TRYING).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        try {
                            return http.get(path);
                        } catch (UncheckedIOException dropped) {
                            return null;
                        }
                    }, answer -> answer != null && answer.status() != 503);
        }
    }
}
