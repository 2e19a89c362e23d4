package dev.knotless.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The merge of the services' audit pages, without Spring or HTTP: fake services page as the
 * platform's AuditStore does (in their own numbering order, each page sorted by time, a bounded part
 * examined per page so that pages may be short or empty and still have a next, the time order and
 * the numbering order a few milliseconds apart), and the test pages through the merge as a client
 * would, the cursor encoded and decoded between pages.
 */
class AuditMergeTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant T0 = Instant.parse("2026-12-01T09:58:00Z");
    private static final Instant FROM = T0.minus(1, ChronoUnit.DAYS);
    private static final Instant TO = T0.plus(1, ChronoUnit.DAYS);
    private static final List<String> SERVICES = List.of("intake-service", "session-service", "outcomes-service");

    @Test
    void recordsInterleavedInTimeComeOutInOneOrderOnEveryLimit() {
        // Every 10 ms a request, round robin over the services, and across an hour's boundary.
        Map<String, FakeService> services = services(
                IntStream.range(0, 12).mapToObj(i -> record("intake-service", "r" + (3 * i), T0.plusMillis(30L * i))).toList(),
                IntStream.range(0, 12).mapToObj(i -> record("session-service", "r" + (3 * i + 1), T0.plusMillis(30L * i + 10))).toList(),
                IntStream.range(0, 12).mapToObj(i -> record("outcomes-service", "r" + (3 * i + 2), T0.plusMillis(30L * i + 20))).toList(),
                4);
        List<JsonNode> all = services.values().stream().flatMap(service -> service.records.stream()).toList();

        for (int limit = 1; limit <= all.size() + 2; limit++) {
            List<List<JsonNode>> pages = pageThrough(services, limit, 8);

            int size = limit;
            assertThat(pages).as("limit %d", limit).allSatisfy(page -> assertThat(page.size()).isLessThanOrEqualTo(size));
            List<JsonNode> merged = pages.stream().flatMap(List::stream).toList();
            // One time order over all the pages: requests 10 ms apart from three services, in their order.
            assertThat(merged.stream().map(node -> node.path("requestId").asString()).toList()).as("limit %d", limit)
                    .isEqualTo(IntStream.range(0, 36).mapToObj(i -> "r" + i).toList());
        }
    }

    @Test
    void aServicesNumberingOrderAFewMillisecondsOffItsClocksLosesOrRepeatsNothing() {
        // Within a service, requests numbered in another order than their clocks read (concurrent requests).
        List<JsonNode> intake = List.of(
                record("intake-service", "i1", T0.plusMillis(5)), record("intake-service", "i2", T0.plusMillis(2)),
                record("intake-service", "i3", T0.plusMillis(9)), record("intake-service", "i4", T0.plusMillis(7)),
                record("intake-service", "i5", T0.plusMillis(12)), record("intake-service", "i6", T0.plusMillis(11)));
        List<JsonNode> session = List.of(
                record("session-service", "s1", T0.plusMillis(3)), record("session-service", "s2", T0.plusMillis(8)),
                record("session-service", "s3", T0.plusMillis(6)), record("session-service", "s4", T0.plusMillis(10)));
        Map<String, FakeService> services = services(intake, session, List.of(), 2);

        for (int limit = 1; limit <= 12; limit++) {
            List<List<JsonNode>> pages = pageThrough(services, limit, 8);

            assertExactlyOnce(pages, services, limit);
            pages.forEach(AuditMergeTest::assertOrdered);
        }
    }

    @Test
    void aRequestIdSentTwiceAtTheSameMillisecondIsTwoRecordsBothMergedOnce() {
        List<JsonNode> intake = List.of(
                record("intake-service", "same", T0, 1), record("intake-service", "same", T0, 2),
                record("intake-service", "same", T0, 3), record("intake-service", "later", T0.plusMillis(1), 4));
        Map<String, FakeService> services = services(intake, List.of(record("session-service", "s", T0, 5)), List.of(), 3);

        for (int limit = 1; limit <= 6; limit++) {
            assertExactlyOnce(pageThrough(services, limit, 8), services, limit);
        }
    }

    @Test
    void aServiceWithLongStretchesOfNothingEndsThePageEarlyWithACursorAndNothingIsLost() {
        // Each of its pages examines 1 of many numbers that were never written: many empty pages with a next.
        List<JsonNode> intake = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            intake.add(i % 10 == 9 ? record("intake-service", "i" + i, T0.plusSeconds(i)) : null);
        }
        Map<String, FakeService> services = new LinkedHashMap<>();
        services.put("intake-service", new FakeService(intake, 1));
        services.put("session-service", new FakeService(List.of(record("session-service", "s", T0.plusSeconds(100))), 5));
        services.put("outcomes-service", new FakeService(List.of(), 5));

        List<List<JsonNode>> pages = pageThrough(services, 10, 3);

        assertThat(pages.size()).as("pages that ended early, some of them empty").isGreaterThan(5);
        assertThat(pages.stream().flatMap(List::stream).map(node -> node.path("requestId").asString()).toList())
                .containsExactly("i9", "i19", "i29", "i39", "s");
        assertThat(services.get("intake-service").pagesServed).as("no merged page read more than 3 of its pages").isLessThanOrEqualTo(3 * pages.size());
    }

    @Test
    void manyRandomTrailsAreEachMergedExactlyOnceOnEveryLimit() {
        Random random = new Random(11);
        for (int round = 0; round < 300; round++) {
            List<List<JsonNode>> trails = new ArrayList<>();
            int serial = 0;
            for (String service : SERVICES) {
                List<JsonNode> trail = new ArrayList<>();
                Instant at = T0.plusMillis(random.nextInt(50));
                for (int i = random.nextInt(25); i > 0; i--) {
                    at = at.plusMillis(random.nextInt(20));
                    // numbered and never written, or numbered a little out of clock order
                    int id = serial++;
                    trail.add(random.nextInt(8) == 0 ? null
                            : record(service, random.nextInt(10) == 0 ? "dup" : "r" + id, at.minusMillis(random.nextInt(4)), id));
                }
                trails.add(trail);
            }
            Map<String, FakeService> services = services(trails.get(0), trails.get(1), trails.get(2), 1 + random.nextInt(6));
            int limit = 1 + random.nextInt(12);

            List<List<JsonNode>> pages = pageThrough(services, limit, 1 + random.nextInt(4));

            assertExactlyOnce(pages, services, limit);
            pages.forEach(AuditMergeTest::assertOrdered);
        }
    }

    @Test
    void noRecordsAnywhereIsOneEmptyLastPage() {
        List<List<JsonNode>> pages = pageThrough(services(List.of(), List.of(), List.of(), 3), 5, 8);

        assertThat(pages).containsExactly(List.of());
    }

    @Test
    void theCursorCarriesTheWindowAndEachServicesPositionAndRefusesAnythingElse() {
        AuditCursor start = AuditCursor.start("clinic-a", FROM, TO, "7d1f0c8e-0000-4000-8000-000000000001", SERVICES);
        Map<String, FakeService> services = services(
                List.of(record("intake-service", "a", T0), record("intake-service", "b", T0.plusMillis(2))),
                List.of(record("session-service", "c", T0.plusMillis(1))), List.of(), 5);
        AuditMerge merge = new AuditMerge(start, 2, 8);
        drive(merge, services);
        AuditCursor next = merge.result().next();

        AuditCursor decoded = AuditCursor.decode(next.encode(), new LinkedHashSet<>(SERVICES));

        assertThat(decoded).isEqualTo(next);
        assertThat(decoded.from()).isEqualTo(FROM);
        assertThat(decoded.to()).isEqualTo(TO);
        assertThat(decoded.patientId()).isEqualTo("7d1f0c8e-0000-4000-8000-000000000001");
        assertThat(decoded.lanes().get("outcomes-service").done()).isTrue();
        assertThat(decoded.lanes().get("intake-service").mark().key().requestId()).isEqualTo("a");
        for (String bad : List.of("", "not base64 !", base64("{}"), base64("[1]"), base64("{\"v\":2}"),
                base64(new String(Base64.getUrlDecoder().decode(next.encode()), StandardCharsets.UTF_8).replace("session-service", "other-service")),
                base64(new String(Base64.getUrlDecoder().decode(next.encode()), StandardCharsets.UTF_8).replace("\"n\":1", "\"n\":0")))) {
            assertThatThrownBy(() -> AuditCursor.decode(bad, new LinkedHashSet<>(SERVICES))).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    // --- paging as a client does -------------------------------------------------------------------

    private static List<List<JsonNode>> pageThrough(Map<String, FakeService> services, int limit, int maxPages) {
        AuditCursor cursor = AuditCursor.start("clinic-a", FROM, TO, null, List.copyOf(services.keySet()));
        List<List<JsonNode>> pages = new ArrayList<>();
        for (int guard = 0; guard < 5_000; guard++) {
            AuditMerge merge = new AuditMerge(cursor, limit, maxPages);
            drive(merge, services);
            AuditMerge.Result result = merge.result();
            pages.add(result.records());
            if (result.next() == null) {
                return pages;
            }
            cursor = AuditCursor.decode(result.next().encode(), new LinkedHashSet<>(services.keySet()));
        }
        return fail("paging did not end");
    }

    private static void drive(AuditMerge merge, Map<String, FakeService> services) {
        for (List<AuditMerge.Fetch> fetches = merge.advance(); !fetches.isEmpty(); fetches = merge.advance()) {
            fetches.forEach(fetch -> merge.accept(fetch.service(), services.get(fetch.service()).page(fetch.cursor(), fetch.limit())));
        }
    }

    private static void assertExactlyOnce(List<List<JsonNode>> pages, Map<String, FakeService> services, int limit) {
        assertThat(pages).as("limit %d", limit).allSatisfy(page -> assertThat(page.size()).isLessThanOrEqualTo(limit));
        List<JsonNode> expected = services.values().stream().flatMap(service -> service.records.stream()).filter(java.util.Objects::nonNull).toList();
        List<JsonNode> merged = pages.stream().flatMap(List::stream).toList();
        assertThat(merged).as("limit %d", limit).hasSameSizeAs(expected).containsExactlyInAnyOrderElementsOf(expected);
    }

    private static void assertOrdered(List<JsonNode> page) {
        List<AuditRecord.Key> keys = page.stream().map(node -> AuditRecord.of(node, "?").key()).toList();
        assertThat(keys).isSortedAccordingTo(Comparator.naturalOrder());
    }

    private static Map<String, FakeService> services(List<JsonNode> intake, List<JsonNode> session, List<JsonNode> outcomes,
                                                     int examinedPerPage) {
        Map<String, FakeService> services = new LinkedHashMap<>();
        services.put("intake-service", new FakeService(intake, examinedPerPage));
        services.put("session-service", new FakeService(session, examinedPerPage + 1));
        services.put("outcomes-service", new FakeService(outcomes, Math.max(1, examinedPerPage - 1)));
        return services;
    }

    private static JsonNode record(String service, String requestId, Instant at) {
        return record(service, requestId, at, 0);
    }

    private static JsonNode record(String service, String requestId, Instant at, int serial) {
        ObjectNode record = JSON.createObjectNode();
        record.put("requestId", requestId);
        record.put("at", at.toString());
        record.put("service", service);
        record.put("subject", "admin-a");
        record.put("serial", serial);
        return record;
    }

    private static String base64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A service's trail as AuditStore pages it: records in numbering order (null: a number whose
     * record was never written), a page collects up to {@code limit} records but examines at most
     * {@code examinedPerPage} numbers, is sorted by time, and its cursor is the next number.
     */
    private static final class FakeService {

        final List<JsonNode> records;
        final int examinedPerPage;
        int pagesServed;

        FakeService(List<JsonNode> records, int examinedPerPage) {
            this.records = new ArrayList<>(records);
            this.examinedPerPage = examinedPerPage;
        }

        ServicePage page(String cursor, int limit) {
            pagesServed++;
            assertThat(limit).isBetween(1, AuditCursor.MAX_LIMIT);
            int position = cursor == null ? 0 : Integer.parseInt(cursor);
            List<AuditRecord> found = new ArrayList<>();
            int examined = 0;
            while (position < records.size() && found.size() < limit && examined < examinedPerPage) {
                JsonNode record = records.get(position++);
                examined++;
                if (record != null) {
                    found.add(AuditRecord.of(record, "?"));
                }
            }
            return new ServicePage(found, position < records.size() ? Integer.toString(position) : null);
        }
    }
}
