package dev.knotless.benchmarks;

import dev.knotless.launcher.Service;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Seeds through each service's public API, straight to its port (the gateway adds nothing to the
 * data, and routing the seed through it cost about a third of the machine's CPU), concurrently: patients with a cleared intake,
 * then needling sessions that ended 26 to 40 hours ago, so every seeded H24 follow-up is OPEN now
 * and can be given a survey link (DESIGN.md: H24 opens 24 h after the session, closes at 48 h).
 */
final class Seeder {

    record Session(String sessionId, String patientId) {
        /** outcomes-service derives the follow-up id from its cause (FollowUp.idOf). */
        String h24FollowUpId() {
            return UUID.nameUUIDFromBytes(("follow-up:" + sessionId + ":H24").getBytes(StandardCharsets.UTF_8)).toString();
        }
    }

    record Token(String token, String followUpId, String patientId) {
    }

    private static final String SCREENING = """
            {"pregnant":false,"bleedingDisorder":false,"anticoagulants":false,"infectionOrWoundAtSite":false,\
            "severeNeedlePhobia":false,"immunocompromised":false}""";

    private final Http http;
    private final String intakeApi;
    private final String sessionsApi;
    private final String outcomesApi;
    private final Settings settings;
    private final Random random = new Random(12);

    /** @param urls each service's base URL ({@code http://127.0.0.1:<port>}) */
    Seeder(Http http, Function<Service, String> urls, Settings settings) {
        this.http = http;
        this.intakeApi = urls.apply(Service.INTAKE) + "/api";
        this.sessionsApi = urls.apply(Service.SESSION) + "/api";
        this.outcomesApi = urls.apply(Service.OUTCOMES) + "/api";
        this.settings = settings;
    }

    /** Registers {@code count} patients of {@code clinic}, each with a cleared intake; returns their ids. */
    List<String> patients(String label, String clinic, int count, Duration timeout) {
        ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
        Instant assessedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(10));
        Http.bulk(label, count, settings.seedConcurrency(), timeout, i -> {
            Http.Response patient = http.post(intakeApi + "/patients", """
                    {"clinicId":"%s","givenName":"Bench","familyName":"Seed-%d","dateOfBirth":"1980-04-02"}""".formatted(clinic, i));
            // The clinic named must be the token's: the Http of this seeder signs in as a therapist of it.
            if (patient.status() != 201) {
                Log.info("register: %d %s", patient.status(), abbreviate(patient.body()));
                return false;
            }
            String patientId = patient.field("patientId");
            Http.Response intake = http.post(intakeApi + "/patients/" + patientId + "/intake", """
                    {"assessedAt":"%s",\
                    "complaints":[{"bodyRegion":"SHOULDER","side":"RIGHT","description":"overuse"}],"painNprs":7,\
                    "screening":%s,"consent":true,\
                    "rom":[{"joint":"SHOULDER","movement":"FLEXION","side":"RIGHT","degrees":120}]}""".formatted(assessedAt, SCREENING));
            if (intake.status() / 100 != 2) {
                Log.info("intake: %d %s", intake.status(), abbreviate(intake.body()));
                return false;
            }
            ids.add(patientId);
            return true;
        });
        return new ArrayList<>(ids);
    }

    /** Records {@code count} sessions round the patients, each ended 26 to 40 h ago; retries while session-service has not yet read the intake. */
    List<Session> sessions(String label, List<String> patients, long count, Duration timeout) {
        ConcurrentLinkedQueue<Session> sessions = new ConcurrentLinkedQueue<>();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Http.bulk(label, count, settings.seedConcurrency(), timeout, i -> {
            String patientId = patients.get((int) (i % patients.size()));
            Instant ended = now.minus(Duration.ofHours(26)).minus(Duration.ofSeconds(Math.floorMod(i * 7919, 14 * 3600)));
            String body = """
                    {"startedAt":"%s","endedAt":"%s",\
                    "needling":[{"muscle":"UPPER_TRAPEZIUS","side":"RIGHT","technique":"DEEP","needles":2,"dwellSeconds":60,"twitchResponse":true}],\
                    "adjuncts":["STRETCHING"],"painBefore":6,"painAfter":4,\
                    "rom":[{"joint":"SHOULDER","movement":"FLEXION","side":"RIGHT","degrees":125,"phase":"PRE"},\
                    {"joint":"SHOULDER","movement":"FLEXION","side":"RIGHT","degrees":140,"phase":"POST"}],\
                    "precautionAcknowledged":false,"adverseEventReviewed":false,"notes":""}""".formatted(ended.minus(Duration.ofMinutes(30)), ended);
            for (int attempt = 0; attempt < 200; attempt++) {
                Http.Response response = http.post(sessionsApi + "/patients/" + patientId + "/sessions", body);
                if (response.status() == 201) {
                    sessions.add(new Session(response.field("sessionId"), patientId));
                    return true;
                }
                // 404 and 409: session-service has not yet read the patient or the intake from Kafka.
                if (response.status() != 404 && response.status() != 409 && response.status() != 503 && response.status() != -1) {
                    Log.info("session: %d %s", response.status(), abbreviate(response.body()));
                    return false;
                }
                pause(50);
            }
            return false;
        });
        List<Session> list = new ArrayList<>(sessions);
        Collections.shuffle(list, random);
        return list;
    }

    /** Issues the H24 survey link of each session; retries while outcomes-service has not yet made the follow-up. */
    List<Token> links(String label, List<Session> sessions, Duration timeout) {
        ConcurrentLinkedQueue<Token> tokens = new ConcurrentLinkedQueue<>();
        Http.bulk(label, sessions.size(), settings.seedConcurrency(), timeout, i -> {
            Session session = sessions.get((int) i);
            String followUpId = session.h24FollowUpId();
            for (int attempt = 0; attempt < 200; attempt++) {
                Http.Response response = http.post(outcomesApi + "/follow-ups/" + followUpId + "/survey-link", "");
                if (response.status() == 201) {
                    tokens.add(new Token(response.field("token"), followUpId, session.patientId()));
                    return true;
                }
                if (response.status() != 404 && response.status() != 503 && response.status() != -1) {
                    Log.info("survey-link: %d %s", response.status(), abbreviate(response.body()));
                    return false;
                }
                pause(50);
            }
            return false;
        });
        return new ArrayList<>(tokens);
    }

    /** Answers with soreness 8, which raises a HIGH alert: the open-alerts list and the dashboard have something to show. */
    long alerts(String label, List<Token> tokens, Duration timeout) {
        return Http.bulk(label, tokens.size(), settings.seedConcurrency(), timeout, i -> {
            Http.Response response = http.post(outcomesApi + "/surveys/" + tokens.get((int) i).token(), """
                    {"soreness":8,"pain":2,"bruising":false,"fatigue":false,"lightheaded":false,\
                    "adverseEvent":{"severity":"NONE","description":""},"comment":""}""");
            return response.status() == 201;
        });
    }

    static String abbreviate(String body) {
        return body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    static void pause(long millis) {
        LockSupport.parkNanos(millis * 1_000_000);
    }
}
