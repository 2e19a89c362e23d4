package dev.knotless.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** A small JSON client on java.net.http for seeding and polling, and a bounded, visible bulk runner. */
final class Http implements AutoCloseable {

    static final ObjectMapper JSON = JsonMapper.builder().build();

    record Response(int status, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }

        String field(String name) {
            return json().path(name).asString();
        }
    }

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    // The access token every request carries (null: none); the survey endpoints ignore it.
    private final Supplier<String> bearer;

    Http() {
        this(null);
    }

    Http(Supplier<String> bearer) {
        this.bearer = bearer;
    }

    /** The access token this client sends, for requests built elsewhere (null when none). */
    String bearer() {
        return bearer == null ? null : bearer.get();
    }
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(executor)
            .build();

    HttpClient client() {
        return client;
    }

    Response get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    Response get(String url, Duration timeout) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET());
    }

    Response post(String url, String body) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private Response send(HttpRequest.Builder request) {
        try {
            if (bearer != null) {
                request.header("Authorization", "Bearer " + bearer.get());
            }
            HttpRequest built = request.build();
            if (built.timeout().isEmpty()) {
                built = HttpRequest.newBuilder(built, (name, value) -> true).timeout(Duration.ofSeconds(30)).build();
            }
            HttpResponse<String> response = client.send(built,
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Response(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Runs {@code task(i)} for i in [0, count) with at most {@code concurrency} at once, printing
     * progress every 5 s, and stops starting new ones at the deadline.
     *
     * @return how many tasks returned true
     */
    static long bulk(String label, long count, int concurrency, Duration timeout, LongPredicate task) {
        long begin = System.nanoTime();
        long deadline = begin + timeout.toNanos();
        Semaphore slots = new Semaphore(concurrency);
        AtomicLong done = new AtomicLong();
        AtomicLong ok = new AtomicLong();
        long nextReport = begin + TimeUnit.SECONDS.toNanos(5);
        long started = 0;
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; i < count; i++) {
                while (!slots.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                    if (System.nanoTime() > nextReport) {
                        nextReport += TimeUnit.SECONDS.toNanos(5);
                        progress(label, done.get(), ok.get(), count, begin);
                    }
                }
                if (System.nanoTime() > deadline) {
                    slots.release();
                    Log.info("%s: time budget of %d s spent, stopping after %d of %d", label, timeout.toSeconds(), started, count);
                    break;
                }
                long index = i;
                started++;
                workers.submit(() -> {
                    try {
                        if (task.test(index)) {
                            ok.incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        Log.info("%s: %s", label, e);
                    } finally {
                        done.incrementAndGet();
                        slots.release();
                    }
                });
                if (System.nanoTime() > nextReport) {
                    nextReport += TimeUnit.SECONDS.toNanos(5);
                    progress(label, done.get(), ok.get(), count, begin);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        progress(label, done.get(), ok.get(), count, begin);
        return ok.get();
    }

    private static void progress(String label, long done, long ok, long count, long begin) {
        double seconds = (System.nanoTime() - begin) / 1e9;
        Log.info("%s: %d/%d done (%d ok) in %.1f s, %.0f/s", label, done, count, ok, seconds, done / Math.max(seconds, 0.001));
    }

    @Override
    public void close() {
        client.close();
        executor.close();
    }
}
