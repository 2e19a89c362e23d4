package dev.knotless.benchmarks.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.csv;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP load of the benchmark: an open model, every scenario injecting one request per virtual
 * user at a fixed rate ({@code constantUsersPerSec}) whatever the responses, so a slow answer never
 * holds back the next request and latency is free of coordinated omission. The scenarios named in
 * {@code knotless.scenarios} run one after the other; each request is named after its scenario.
 *
 * <p>System properties: {@code knotless.gateway} and {@code knotless.outcomes} (base URLs),
 * {@code knotless.feeds} (the folder with patients.csv, tokens-gateway.csv, tokens-direct.csv written
 * by the driver), {@code knotless.clinic}, {@code knotless.scenarios} (comma separated), and per scenario
 * {@code knotless.<scenario>.rate} (requests per second) and {@code knotless.<scenario>.duration} (seconds).
 */
public class KnotlessSimulation extends Simulation {

    private static final String JSON = "application/json";
    private static final AtomicLong REGISTERED = new AtomicLong();
    /** Quiet seconds before each scenario but the first: a system that fell behind drains before the next is measured. */
    private static final long GAP_SECONDS = Long.parseLong(System.getProperty("knotless.gap", "5"));
    /** Gatling's response time of the request, kept for the scenario's histogram (checked first, so kept even when the status check fails). */
    private static final io.gatling.javaapi.core.CheckBuilder RT = io.gatling.javaapi.core.CoreDsl.responseTimeInMillis().saveAs("rt");

    private final String clinic = System.getProperty("knotless.clinic", "clinic-a");
    private final Path feeds = Path.of(System.getProperty("knotless.feeds", "target/benchmarks/feeds"));

    {
        HttpProtocolBuilder gateway = protocol(System.getProperty("knotless.gateway", "http://127.0.0.1:8080"));
        // Staff requests carry a therapist's access token of the clinic; the survey endpoints need none.
        String token = System.getProperty("knotless.token", "");
        if (!token.isBlank()) {
            gateway = gateway.authorizationHeader("Bearer " + token);
        }
        HttpProtocolBuilder direct = protocol(System.getProperty("knotless.outcomes", "http://127.0.0.1:8083"));
        List<String> names = Arrays.stream(System.getProperty("knotless.scenarios",
                        "timeline,dashboard,alerts,registrations,sessions,surveys,surveys-direct").split(","))
                .map(String::trim).filter(name -> !name.isEmpty()).toList();
        List<PopulationBuilder> populations = new ArrayList<>();
        for (String name : names) {
            Window window = WINDOWS.computeIfAbsent(name, key -> new Window());
            Load load = load(name);
            if (load.rate() < 1 || load.seconds() < 1) {
                continue; // no token for it
            }
            ScenarioBuilder scenario = scenario(name)
                    .exec(session -> {
                        window.first.accumulateAndGet(System.currentTimeMillis(), Math::min);
                        return session;
                    })
                    .exec(requestOf(name))
                    .exec(session -> {
                        window.last.accumulateAndGet(System.currentTimeMillis(), Math::max);
                        if (session.contains("rt")) {
                            window.latency.recordValue(Math.max(0, session.getLong("rt")));
                        }
                        (session.isFailed() ? window.ko : window.ok).incrementAndGet();
                        return session;
                    });
            populations.add(scenario
                    .injectOpen(populations.isEmpty() || GAP_SECONDS == 0
                            ? new io.gatling.javaapi.core.OpenInjectionStep[] {constantUsersPerSec(load.rate()).during(Duration.ofSeconds(load.seconds()))}
                            : new io.gatling.javaapi.core.OpenInjectionStep[] {nothingFor(Duration.ofSeconds(GAP_SECONDS)),
                                    constantUsersPerSec(load.rate()).during(Duration.ofSeconds(load.seconds()))})
                    .protocols(name.equals("surveys-direct") ? direct : gateway));
        }
        if (populations.isEmpty()) {
            throw new IllegalArgumentException("knotless.scenarios names no scenario");
        }
        PopulationBuilder chain = populations.getFirst();
        for (PopulationBuilder next : populations.subList(1, populations.size())) {
            chain = chain.andThen(next);
        }
        setUp(chain);
    }

    /**
     * Writes, for the driver, when each scenario's first request was due and its last one answered
     * (epoch milliseconds; Gatling's own mean rate spans the whole run, not one scenario of it), its
     * OK and KO counts and the percentiles of Gatling's response times (ms) for it.
     */
    @Override
    public void after() {
        String file = System.getProperty("knotless.timing");
        if (file == null) {
            return;
        }
        StringBuilder json = new StringBuilder("{");
        WINDOWS.forEach((name, window) -> json.append(json.length() > 1 ? "," : "")
                .append("\"").append(name).append("\":{\"first\":").append(window.first.get())
                .append(",\"last\":").append(window.last.get())
                .append(",\"ok\":").append(window.ok.get()).append(",\"ko\":").append(window.ko.get())
                .append(",\"p50\":").append(window.latency.getValueAtPercentile(50))
                .append(",\"p95\":").append(window.latency.getValueAtPercentile(95))
                .append(",\"p99\":").append(window.latency.getValueAtPercentile(99))
                .append(",\"max\":").append(window.latency.getMaxValue())
                .append(",\"mean\":").append(window.latency.getMean()).append("}"));
        try {
            Files.writeString(Path.of(file), json.append("}").toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final class Window {
        final AtomicLong first = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong last = new AtomicLong(0);
        final AtomicLong ok = new AtomicLong();
        final AtomicLong ko = new AtomicLong();
        final org.HdrHistogram.ConcurrentHistogram latency = new org.HdrHistogram.ConcurrentHistogram(3);
    }

    private static final java.util.Map<String, Window> WINDOWS = new java.util.concurrent.ConcurrentHashMap<>();

    private ChainBuilder requestOf(String name) {
        return switch (name) {
            case "timeline" -> feed("patients.csv").exec(http(name).get("/api/patients/#{patientId}/timeline").check(RT, status().is(200)));
            case "dashboard" -> exec(http(name).get("/api/clinics/" + clinic + "/dashboard").check(RT, status().is(200)));
            case "alerts" -> exec(http(name).get("/api/clinics/" + clinic + "/alerts?status=OPEN").check(RT, status().is(200)));
            case "registrations" -> exec(http(name).post("/api/patients")
                    .body(StringBody(session -> """
                            {"clinicId":"%s","givenName":"Bench","familyName":"Load-%d","dateOfBirth":"1980-04-02"}"""
                            .formatted(clinic, REGISTERED.incrementAndGet())))
                    .check(RT, status().is(201)));
            case "sessions" -> feed("patients.csv").exec(http(name).post("/api/patients/#{patientId}/sessions")
                    .body(StringBody(session -> sessionBody()))
                    .check(RT, status().is(201)));
            case "surveys" -> feed("tokens-gateway.csv").exec(survey(name));
            case "surveys-direct" -> feed("tokens-direct.csv").exec(survey(name));
            default -> throw new IllegalArgumentException("Unknown scenario '" + name + "'");
        };
    }

    private ChainBuilder feed(String file) {
        Path path = feeds.resolve(file).toAbsolutePath();
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("Missing feeder file " + path);
        }
        // Patients go round; tokens are used once each (the driver writes enough for rate x duration).
        var feeder = file.startsWith("patients") ? csv(path.toString()).circular() : csv(path.toString()).queue();
        return io.gatling.javaapi.core.CoreDsl.feed(feeder);
    }

    private static ChainBuilder exec(io.gatling.javaapi.http.HttpRequestActionBuilder request) {
        return io.gatling.javaapi.core.CoreDsl.exec(request);
    }

    private static io.gatling.javaapi.http.HttpRequestActionBuilder survey(String name) {
        return http(name).post("/api/surveys/#{token}")
                .body(StringBody(session -> surveyBody()))
                .check(RT, status().is(201));
    }

    /** One answer in ten reports soreness 8, which raises a HIGH alert, as some real answers do. */
    private static String surveyBody() {
        int soreness = ThreadLocalRandom.current().nextInt(10) == 0 ? 8 : 3;
        return """
                {"soreness":%d,"pain":2,"bruising":false,"fatigue":false,"lightheaded":false,\
                "adverseEvent":{"severity":"NONE","description":""},"comment":""}""".formatted(soreness);
    }

    /** A session that ended an hour ago: its follow-ups are scheduled, nothing opens during the run. */
    private static String sessionBody() {
        Instant ended = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
        Instant started = ended.minus(Duration.ofMinutes(30));
        return """
                {"startedAt":"%s","endedAt":"%s",\
                "needling":[{"muscle":"UPPER_TRAPEZIUS","side":"RIGHT","technique":"DEEP","needles":2,"dwellSeconds":60,"twitchResponse":true}],\
                "adjuncts":["STRETCHING"],"painBefore":6,"painAfter":4,\
                "rom":[{"joint":"SHOULDER","movement":"FLEXION","side":"RIGHT","degrees":125,"phase":"PRE"},\
                {"joint":"SHOULDER","movement":"FLEXION","side":"RIGHT","degrees":140,"phase":"POST"}],\
                "precautionAcknowledged":false,"adverseEventReviewed":false,"notes":""}""".formatted(started, ended);
    }

    /** Shared connections: a pool that grows while all are busy, so the open model stays open without a TCP handshake per request. */
    private static HttpProtocolBuilder protocol(String baseUrl) {
        return http.baseUrl(baseUrl)
                .contentTypeHeader(JSON)
                .acceptHeader(JSON)
                .shareConnections()
                .disableWarmUp() // the default warm-up request goes to an outside host: traffic stays on 127.0.0.1
                .disableCaching();
    }

    /** Requests per second for whole seconds. */
    private record Load(double rate, long seconds) {
    }

    /**
     * The scenario's load, cut so that it never wants more tokens than its feeder file holds (a
     * token answers once, and an empty queue feeder would stop the whole run): shorter first, and
     * when there are fewer tokens than one second's worth, that many in one second.
     */
    private Load load(String name) {
        double rate = rate(name);
        long seconds = duration(name);
        String file = switch (name) {
            case "surveys" -> "tokens-gateway.csv";
            case "surveys-direct" -> "tokens-direct.csv";
            default -> null;
        };
        if (file == null) {
            return new Load(rate, seconds);
        }
        try (var lines = Files.lines(feeds.resolve(file))) {
            long tokens = lines.filter(line -> !line.isBlank()).count() - 2; // the header, and one spare for rounding
            long affordable = (long) Math.floor(tokens / rate);
            if (affordable >= 1) {
                return new Load(rate, Math.min(seconds, affordable));
            }
            return new Load(Math.max(0, tokens), 1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static double rate(String name) {
        return Double.parseDouble(System.getProperty("knotless." + name + ".rate", "10"));
    }

    private static long duration(String name) {
        return Long.parseLong(System.getProperty("knotless." + name + ".duration", "10"));
    }
}
