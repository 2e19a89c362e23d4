package dev.knotless.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stand-in for one service behind the gateway, on a random port (the JDK's HTTP server): it
 * records what reached it and answers with a JSON echo, so a test sees which service got a
 * request and whether path, query, body and headers arrived intact. Paths ending in
 * {@code /slow} answer after 3 s; {@code /api/patients/unknown} answers with the service's own
 * 404 problem detail; {@code /api/patients/cacheable} says its answer may be cached for an hour;
 * {@code /api/clinics/{clinicId}/audit} answers an audit page of one record of this service.
 */
final class StubService implements AutoCloseable {

    record Received(String method, String pathAndQuery, String body, String requestId, String authorization, String cookie,
                    String idempotencyKey) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String name;
    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    /** Holds "/slow" answers past the gateway's response timeout; released when the stub closes. */
    private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);

    StubService(String name) {
        this.name = name;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::answer);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    void forget() {
        received.clear();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String rawQuery = exchange.getRequestURI().getRawQuery();
            String pathAndQuery = exchange.getRequestURI().getRawPath() + (rawQuery == null ? "" : "?" + rawQuery);
            Received request = new Received(exchange.getRequestMethod(), pathAndQuery, body,
                    exchange.getRequestHeaders().getFirst("X-Request-Id"), exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Cookie"), exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            received.add(request);
            if (pathAndQuery.endsWith("/slow")) {
                closing.await(3, java.util.concurrent.TimeUnit.SECONDS);
            }
            if (pathAndQuery.startsWith("/api/patients/cacheable")) {
                exchange.getResponseHeaders().set("Cache-Control", "public, max-age=3600");
            }
            if (pathAndQuery.equals("/api/patients/unknown")) {
                reply(exchange, 404, "application/problem+json",
                        "{\"type\":\"/problems/patient-not-found\",\"title\":\"Patient not found\",\"status\":404}");
                return;
            }
            if (exchange.getRequestURI().getRawPath().matches("/api/clinics/[^/]+/audit")) {
                reply(exchange, 200, "application/json", "{\"clinicId\":\"clinic-a\",\"records\":[{\"requestId\":\"" + name
                        + "-1\",\"at\":\"2026-12-01T10:00:00Z\",\"service\":\"" + name + "-service\"}],\"next\":null}");
                return;
            }
            reply(exchange, "POST".equals(request.method()) ? 201 : 200, "application/json",
                    JSON.writeValueAsString(new Echo(name, request.method(), pathAndQuery, body)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    record Echo(String service, String method, String pathAndQuery, String body) {
    }

    private static void reply(HttpExchange exchange, int status, String contentType, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
