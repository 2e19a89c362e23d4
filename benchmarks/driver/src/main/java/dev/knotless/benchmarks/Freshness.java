package dev.knotless.benchmarks;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;
import tools.jackson.databind.JsonNode;

/**
 * Freshness: survey answers sent through the gateway at a fixed rate (an open model: each send
 * time is fixed in advance, and its latency runs from that intended time, so a slow answer does
 * not hide the ones queued behind it), and for a sample of them, the time from the 201 until the
 * answer's soreness point is on the patient's timeline. The timeline is polled every 10 ms,
 * straight from outcomes-service so the polling adds no load to the gateway, for at most 10 s.
 */
final class Freshness {

    record Result(long sent, long created, long errors, long sampled, long found, double seconds,
                  double answerP50Ms, double answerP99Ms, double freshP50Ms, double freshP99Ms, double freshMaxMs) {
    }

    private static final Duration POLL_EVERY = Duration.ofMillis(10);
    private static final Duration POLL_FOR = Duration.ofSeconds(10);

    private Freshness() {
    }

    /** {@code reader}: the client, signed in as a therapist of the token's clinic, that polls the patient's timeline. */
    static Result measure(Http http, java.util.function.Function<Seeder.Token, Http> reader, String gatewayUrl, String outcomesUrl,
                          List<Seeder.Token> tokens, double rate, int sampleEvery) {
        Recorder answers = new Recorder(3);
        Recorder freshness = new Recorder(3);
        AtomicLong created = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong sampled = new AtomicLong();
        AtomicLong found = new AtomicLong();
        long period = Math.round(1e9 / rate);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        try (ExecutorService pollers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < tokens.size(); i++) {
                long intended = start + i * period;
                long wait;
                while ((wait = intended - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                Seeder.Token token = tokens.get(i);
                boolean sample = i % sampleEvery == 0;
                HttpRequest request = HttpRequest.newBuilder(URI.create(gatewayUrl + "/api/surveys/" + token.token()))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("""
                                {"soreness":3,"pain":2,"bruising":false,"fatigue":false,"lightheaded":false,\
                                "adverseEvent":{"severity":"NONE","description":""},"comment":""}"""))
                        .build();
                http.client().sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                    long answeredAt = System.nanoTime();
                    answers.recordValue(Math.max(1, (answeredAt - intended) / 1000));
                    if (failure != null || response.statusCode() != 201) {
                        errors.incrementAndGet();
                        return;
                    }
                    created.incrementAndGet();
                    if (sample) {
                        sampled.incrementAndGet();
                        pollers.submit(() -> {
                            long seenAt = awaitPoint(reader.apply(token), outcomesUrl, token);
                            if (seenAt > 0) {
                                found.incrementAndGet();
                                freshness.recordValue(Math.max(1, (seenAt - answeredAt) / 1000));
                            }
                        });
                    }
                });
            }
            // Wait for the last answers (bounded), then the pollers close with the executor.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (created.get() + errors.get() < tokens.size() && System.nanoTime() < deadline) {
                Seeder.pause(20);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        var a = answers.getIntervalHistogram();
        var f = freshness.getIntervalHistogram();
        // An empty histogram answers 0 for every percentile: no measurement must not read as a pass.
        boolean answered = a.getTotalCount() > 0;
        boolean seen = f.getTotalCount() > 0;
        return new Result(tokens.size(), created.get(), errors.get(), sampled.get(), found.get(), seconds,
                answered ? a.getValueAtPercentile(50) / 1000.0 : Double.NaN, answered ? a.getValueAtPercentile(99) / 1000.0 : Double.NaN,
                seen ? f.getValueAtPercentile(50) / 1000.0 : Double.NaN, seen ? f.getValueAtPercentile(99) / 1000.0 : Double.NaN,
                seen ? f.getMaxValue() / 1000.0 : Double.NaN);
    }

    /** The nano time of the first poll whose timeline holds the answer's soreness point, or 0 when it did not appear in time. */
    private static long awaitPoint(Http http, String outcomesUrl, Seeder.Token token) {
        long deadline = System.nanoTime() + POLL_FOR.toNanos();
        String url = outcomesUrl + "/api/patients/" + token.patientId() + "/timeline";
        while (System.nanoTime() < deadline) {
            Http.Response response = http.get(url);
            long at = System.nanoTime();
            if (response.status() == 200 && hasPoint(response.json(), token.followUpId())) {
                return at;
            }
            Seeder.pause(POLL_EVERY.toMillis());
        }
        return 0;
    }

    static boolean hasPoint(JsonNode timeline, String followUpId) {
        for (JsonNode checkpoint : timeline.path("series").path("soreness")) {
            for (JsonNode point : checkpoint) {
                if (followUpId.equals(point.path("followUpId").asString())) {
                    return true;
                }
            }
        }
        return false;
    }
}
