package dev.knotless.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One service's {@code GET /api/clinics/{clinicId}/audit} on a random port (the JDK's HTTP server),
 * paging its records as the platform's AuditStore does: in its own order, a bounded number examined
 * per page, each page sorted by time, its cursor the next position. It records what reached it, and
 * can be told to refuse, fail, hang or close the connection instead.
 */
final class FakeAuditService implements AutoCloseable {

    enum Behaviour { ANSWER, REFUSE, FAIL, HANG, CLOSE, GARBAGE }

    record Received(String path, Map<String, String> query, String authorization, String requestId) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile List<JsonNode> records = List.of();
    private volatile int examinedPerPage = 3;
    private volatile Behaviour behaviour = Behaviour.ANSWER;
    private volatile int refusal = 403;

    FakeAuditService() {
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

    void reset(List<JsonNode> records, int examinedPerPage) {
        this.records = List.copyOf(records);
        this.examinedPerPage = examinedPerPage;
        this.behaviour = Behaviour.ANSWER;
        received.clear();
    }

    void behave(Behaviour behaviour) {
        this.behaviour = behaviour;
    }

    void refuse(int status) {
        this.refusal = status;
        this.behaviour = Behaviour.REFUSE;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    private void answer(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        received.add(new Received(exchange.getRequestURI().getRawPath(), query,
                exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestHeaders().getFirst("X-Request-Id")));
        switch (behaviour) {
            case REFUSE -> reply(exchange, refusal, "application/problem+json",
                    "{\"type\":\"/problems/refused-" + refusal + "\",\"title\":\"Refused\",\"status\":" + refusal + "}");
            case FAIL -> reply(exchange, 503, "application/problem+json",
                    "{\"type\":\"/problems/audit-unavailable\",\"title\":\"Service unavailable\",\"status\":503}");
            case HANG -> {
                try {
                    closing.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                reply(exchange, 200, "application/json", page(query));
            }
            case CLOSE -> {
                // Headers promise a body that never comes: the connection closes mid-answer.
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, 1000);
                exchange.getResponseBody().write("{\"records\":[".getBytes(StandardCharsets.UTF_8));
                exchange.getResponseBody().flush();
                exchange.close();
            }
            case GARBAGE -> reply(exchange, 200, "application/json", "{\"records\":[{\"requestId\":\"x\",\"at\":\"yesterday\"}]}");
            case ANSWER -> reply(exchange, 200, "application/json", page(query));
        }
    }

    private String page(Map<String, String> query) {
        int limit = Integer.parseInt(query.getOrDefault("limit", "100"));
        int position = query.containsKey("cursor") ? Integer.parseInt(query.get("cursor")) : 0;
        List<JsonNode> found = new ArrayList<>();
        int examined = 0;
        while (position < records.size() && found.size() < limit && examined < examinedPerPage) {
            found.add(records.get(position++));
            examined++;
        }
        ObjectNode page = JSON.createObjectNode();
        page.put("clinicId", "clinic-a");
        page.put("from", query.get("from"));
        page.put("to", query.get("to"));
        ArrayNode array = page.putArray("records");
        found.stream().sorted(Comparator.comparing(record -> java.time.Instant.parse(record.path("at").asString()))).forEach(array::add);
        page.put("next", position < records.size() ? Integer.toString(position) : null);
        return JSON.writeValueAsString(page);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int equals = pair.indexOf('=');
                query.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    private static void reply(HttpExchange exchange, int status, String contentType, String json) throws IOException {
        try (exchange) {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
