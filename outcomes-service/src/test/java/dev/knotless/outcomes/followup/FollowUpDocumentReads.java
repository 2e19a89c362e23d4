package dev.knotless.outcomes.followup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.knotless.platform.audit.AuditStore;
import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload;
import dev.knotless.events.EventPayload.NeedlingSite;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.Side;
import dev.knotless.events.Vocabulary.Technique;
import dev.knotless.testsupport.DocumentReads;
import dev.knotless.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The documents each endpoint and event handler of follow-ups and surveys reads, at two sizes of
 * the store (200 and 2,000 follow-ups seeded straight into it, with their schedule entries): the
 * counts must be the same, or a path has become a scan. Runs in the Spring context of
 * OutcomesServiceEmbeddedIT (as a nested class there) against the embedded store, whose
 * {@link DocumentReads} counts what it examines.
 *
 * <p>The count covers the whole database, so nothing else may read while an operation is measured:
 * the Kafka listeners are paused, the outbox relay stopped and the sweep's monitor held (only the
 * measured operation runs). Each figure is the least of a few tries, as a stray read can only add.
 */
public abstract class FollowUpDocumentReads {

    private static final String DATABASE = "knotless-outcomes";
    private static final String CLINIC = "clinic-reads";
    private static final int TRIES = 3;

    @Autowired
    MongoTemplate mongo;
    @Autowired
    AuditStore audit;
    @Autowired
    FollowUpSchedule schedule;
    @Autowired
    FollowUpScheduler scheduler;
    @Autowired
    FollowUpSweep sweep;
    @Autowired
    FollowUpProperties properties;
    @Autowired
    MutableClock clock;
    @Autowired
    JsonMapper json;
    @Autowired
    KafkaListenerEndpointRegistry listeners;
    @Autowired
    ApplicationContext context;
    @LocalServerPort
    int port;

    private RestClient http;

    @BeforeEach
    void connect() {
        http = dev.knotless.outcomes.SignedInClient.builder(port, clock, () -> CLINIC)
                .defaultStatusHandler(status -> true, (request, response) -> { })
                .build();
        // The sweep is measured by holding its monitor; a proxy would hold another one.
        assertThat(AopUtils.isAopProxy(sweep)).isFalse();
    }

    @Test
    void followUpsAndSurveysReadAsManyDocumentsAt2000FollowUpsAsAt200() {
        seedUpTo(200);
        var small = measureEveryOperation();
        seedUpTo(2_000);
        var large = measureEveryOperation();

        System.out.printf("Documents examined, 200 follow-ups: %s; 2,000 follow-ups: %s%n", small, large);
        assertThat(large).as("documents examined at 2,000 follow-ups vs 200").isEqualTo(small);
        // The counts themselves are those of lookups by key: a handful of documents each, not none.
        assertThat(small.get("GET follow-ups")).as("the two follow-ups and the audit counter").isEqualTo(3);
        assertThat(small.get("GET follow-ups, unknown session")).as("at most the audit counter").isLessThanOrEqualTo(1);
        assertThat(small.values()).allSatisfy(count -> assertThat(count).isLessThan(20));
    }

    private Map<String, Long> measureEveryOperation() {
        // The audit trail's counter of the clinic's hour is created by its first request, which reads
        // nothing; made here, so that every request measured reads it (one document, by key).
        assertThat(call(HttpMethod.GET, "/api/sessions/" + UUID.randomUUID() + "/follow-ups", null).status()).isEqualTo(404);
        // Likewise the counter of the hour's requests that reached no clinic (an unknown survey token): the clock
        // may have moved into a new hour since the last measurement.
        assertThat(call(HttpMethod.GET, "/api/surveys/" + UUID.randomUUID(), null).status()).isEqualTo(404);
        Map<String, Long> reads = new LinkedHashMap<>();
        reads.put("GET follow-ups", readsOf(() -> {
            var sessionId = session(hoursAgo(30));
            return () -> assertThat(call(HttpMethod.GET, "/api/sessions/" + sessionId + "/follow-ups", null).status()).isEqualTo(200);
        }));
        reads.put("GET follow-ups, unknown session", readsOf(() ->
                () -> assertThat(call(HttpMethod.GET, "/api/sessions/" + UUID.randomUUID() + "/follow-ups", null).status()).isEqualTo(404)));
        reads.put("POST survey-link", readsOf(() -> {
            var h24 = FollowUp.idOf(session(hoursAgo(30)), Checkpoint.H24);
            return () -> assertThat(call(HttpMethod.POST, "/api/follow-ups/" + h24 + "/survey-link", null).status()).isEqualTo(201);
        }));
        reads.put("POST survey-link, replacing a link", readsOf(() -> {
            var h24 = FollowUp.idOf(session(hoursAgo(30)), Checkpoint.H24);
            link(h24);
            return () -> assertThat(call(HttpMethod.POST, "/api/follow-ups/" + h24 + "/survey-link", null).status()).isEqualTo(201);
        }));
        reads.put("GET survey", readsOf(() -> {
            String token = link(FollowUp.idOf(session(hoursAgo(30)), Checkpoint.H24));
            return () -> assertThat(call(HttpMethod.GET, "/api/surveys/" + token, null).status()).isEqualTo(200);
        }));
        reads.put("GET survey, unknown token", readsOf(() ->
                () -> assertThat(call(HttpMethod.GET, "/api/surveys/" + UUID.randomUUID(), null).status()).isEqualTo(404)));
        reads.put("POST survey H24", readsOf(() -> {
            String token = link(FollowUp.idOf(session(hoursAgo(30)), Checkpoint.H24));
            return () -> assertThat(answer(token)).isEqualTo(201);
        }));
        reads.put("POST survey H48", readsOf(() -> {
            String token = link(FollowUp.idOf(session(hoursAgo(50)), Checkpoint.H48));
            return () -> assertThat(answer(token)).isEqualTo(201);
        }));
        reads.put("SessionRecorded", readsOf(() -> {
            var event = sessionRecorded(hoursAgo(30));
            return () -> scheduler.onSessionRecorded(event, (EventPayload.SessionRecorded) event.payload());
        }));
        reads.put("SessionRecorded, back-dated (both missed)", readsOf(() -> {
            var event = sessionRecorded(hoursAgo(100));
            return () -> scheduler.onSessionRecorded(event, (EventPayload.SessionRecorded) event.payload());
        }));
        reads.put("sweep pass", readsOf(() -> {
            // Settle everything due so far, then three sessions whose H24 closes and H48 opens within the next pass.
            clock.advance(properties.sweepOverlap().plusMinutes(1));
            sweep.sweep();
            var ended = clock.instant().minus(Duration.ofHours(48)).plusSeconds(30);
            var sessions = List.of(session(ended), session(ended), session(ended));
            // The clock moves while the sweep's monitor is held: the scheduled pass cannot take these transitions first.
            return () -> {
                clock.advance(Duration.ofMinutes(1));
                assertThat(sweep.sweep()).isEqualTo(2 * sessions.size());
            };
        }));
        return reads;
    }

    /** The least, over a few tries, of the documents examined by the operation {@code prepare} returns, run alone. */
    private long readsOf(Supplier<Runnable> prepare) {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < TRIES; i++) {
            Runnable operation = prepare.get();
            least = Math.min(least, alone(() -> DocumentReads.duringRequests(DATABASE, audit, operation)));
        }
        return least;
    }

    /** Runs {@code measurement} with the listeners paused, the relay stopped and the sweep held. */
    private long alone(Supplier<Long> measurement) {
        var containers = listeners.getAllListenerContainers();
        containers.forEach(MessageListenerContainer::pause);
        var relays = context.getBeansOfType(SmartLifecycle.class).values().stream()
                .filter(bean -> AopUtils.getTargetClass(bean).getPackageName().startsWith("dev.knotless.platform.outbox"))
                .filter(SmartLifecycle::isRunning)
                .toList();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> containers.stream().allMatch(MessageListenerContainer::isContainerPaused));
            relays.forEach(SmartLifecycle::stop);
            synchronized (sweep) {
                return measurement.get();
            }
        } finally {
            relays.forEach(SmartLifecycle::start);
            containers.forEach(MessageListenerContainer::resume);
        }
    }

    // ---------------------------------------------------------------- data

    /** Adds follow-ups (whole sessions, in every status, some with a link) until the store holds {@code size}. */
    private void seedUpTo(int size) {
        long stored = mongo.getCollection(FollowUp.COLLECTION).countDocuments();
        Instant now = clock.instant();
        var seeded = new ArrayList<FollowUp>();
        for (int i = 0; stored + seeded.size() < size; i++) {
            // Ended 80-100 h ago (both missed), 30 h ago (H24 open) or 1-20 h ago (both scheduled):
            // every transition still to come is hours away from the minutes the measurements move the clock.
            long hoursAgo = switch (i % 3) {
                case 0 -> 80 + i % 21;
                case 1 -> 30;
                default -> 1 + i % 20;
            };
            var ended = now.minus(Duration.ofHours(hoursAgo)).minusSeconds(i % 3600);
            var sessionId = UUID.randomUUID();
            for (Checkpoint checkpoint : Checkpoint.values()) {
                var window = FollowUpWindow.of(checkpoint, ended, properties.schedule());
                var followUp = FollowUp.schedule(sessionId, UUID.randomUUID(), CLINIC, checkpoint, ended, List.of(Technique.DEEP), window);
                followUp.moveTo(window.statusAt(now, false), window.closesAt()); // no events staged: the relay has nothing to send
                if (i % 2 == 0) {
                    followUp.issueSurveyLink(UUID.randomUUID() + "-" + UUID.randomUUID(), now);
                }
                seeded.add(followUp);
            }
        }
        schedule.add(seeded, now);
        mongo.insert(seeded, FollowUp.class);
        assertThat(mongo.getCollection(FollowUp.COLLECTION).countDocuments()).isGreaterThanOrEqualTo(size);
    }

    private Instant hoursAgo(long hours) {
        return clock.instant().minus(Duration.ofHours(hours));
    }

    /** A session handled as its SessionRecorded would be (the handler, not Kafka); returns its id. */
    private UUID session(Instant endedAt) {
        var event = sessionRecorded(endedAt);
        var session = (EventPayload.SessionRecorded) event.payload();
        scheduler.onSessionRecorded(event, session);
        return session.sessionId();
    }

    private EventEnvelope sessionRecorded(Instant endedAt) {
        var needling = List.of(new NeedlingSite("UPPER_TRAPEZIUS", Side.RIGHT, Technique.DEEP, 2, 60, true));
        return EventEnvelope.of(endedAt, UUID.randomUUID(), CLINIC, new EventPayload.SessionRecorded(UUID.randomUUID(), "t-1",
                endedAt.minus(Duration.ofMinutes(45)), endedAt, needling, List.of(), 6, 4, List.of(), false, false));
    }

    private String link(UUID followUpId) {
        var response = call(HttpMethod.POST, "/api/follow-ups/" + followUpId + "/survey-link", null);
        assertThat(response.status()).isEqualTo(201);
        return json.readTree(response.body()).get("token").asString();
    }

    private int answer(String token) {
        return call(HttpMethod.POST, "/api/surveys/" + token, """
                { "soreness": 2, "pain": 2, "bruising": false, "fatigue": false, "lightheaded": false,
                  "adverseEvent": { "severity": "NONE", "description": "" }, "comment": "" }""").status();
    }

    private record Response(int status, String body) {
    }

    private Response call(HttpMethod method, String path, String body) {
        var request = http.method(method).uri(path);
        if (body != null) {
            request = request.contentType(MediaType.APPLICATION_JSON).body(body);
        }
        var entity = request.retrieve().toEntity(String.class);
        return new Response(entity.getStatusCode().value(), entity.getBody());
    }
}
