package dev.knotless.gateway.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Merges the services' audit pages into one page of at most {@code limit} records in the trail's
 * order ({@code at}, service, request id), without Spring or I/O: {@link #advance()} says which
 * service pages it needs, {@link #accept} takes them, {@link #result()} gives the page and the
 * cursor of the next one.
 *
 * <p>Each service pages on its own, so a service's page is often merged only in part. The cursor
 * then keeps that page's own cursor, the limit it was read with and a {@link AuditCursor.Mark} (the
 * last merged record's key and how many records with that key were merged); the next merged page
 * reads that service page again and skips what the mark covers. A service's page is sorted by the
 * same key, so the merged records of it are always a prefix: every record is handed out once. This
 * rests on a service giving the same page for the same cursor and limit, which its insert-only store
 * does for every record it has written (a record written after the page was first read, with an
 * earlier time than the mark, would be skipped: the services number a request before they write its
 * first record, milliseconds apart).
 */
final class AuditMerge {

    /** A page to read: {@code service}'s page at {@code cursor} (null: its first) with {@code limit}. */
    record Fetch(String service, String cursor, int limit) {
    }

    /** The merged page and where the next one starts (null: this was the last). */
    record Result(List<JsonNode> records, AuditCursor next) {
    }

    private final AuditCursor start;
    private final int limit;
    private final int maxPagesPerService;
    private final Map<String, Lane> lanes = new LinkedHashMap<>();
    private final List<AuditRecord> merged = new ArrayList<>();

    /**
     * @param maxPagesPerService how many pages one merged page may read from a service: a service
     *                           whose pages are empty over a long range (each reads a bounded part)
     *                           ends the merged page early, with a cursor, rather than holding it
     */
    AuditMerge(AuditCursor start, int limit, int maxPagesPerService) {
        if (limit < 1 || limit > AuditCursor.MAX_LIMIT || maxPagesPerService < 1) {
            throw new IllegalArgumentException("limit 1.." + AuditCursor.MAX_LIMIT + " and at least one page per service");
        }
        this.start = start;
        this.limit = limit;
        this.maxPagesPerService = maxPagesPerService;
        start.lanes().forEach((service, position) -> lanes.put(service, new Lane(position)));
    }

    /**
     * Merges as far as the pages at hand allow; returns the pages needed to go on (to be read, all
     * of them, and given to {@link #accept}), or none when this page is complete.
     */
    List<Fetch> advance() {
        while (merged.size() < limit) {
            List<Fetch> needed = new ArrayList<>();
            boolean exhausted = false;
            for (var entry : lanes.entrySet()) {
                Lane lane = entry.getValue();
                if (!lane.done && lane.page == null) {
                    exhausted |= lane.pagesRead >= maxPagesPerService;
                    needed.add(new Fetch(entry.getKey(), lane.cursor, lane.mark != null ? lane.markLimit : limit - merged.size()));
                }
            }
            if (exhausted) {
                return List.of(); // ends short: a service needs more pages than one merged page may read
            }
            if (!needed.isEmpty()) {
                needed.forEach(fetch -> lanes.get(fetch.service()).pageLimit = fetch.limit());
                return needed;
            }
            Lane first = null;
            for (Lane lane : lanes.values()) {
                if (!lane.done && (first == null || lane.head().key().compareTo(first.head().key()) < 0)) {
                    first = lane;
                }
            }
            if (first == null) {
                return List.of(); // every service's trail is merged
            }
            merged.add(first.head());
            first.consumeHead();
        }
        return List.of();
    }

    /** The query: its clinic, window and patient. */
    AuditCursor query() {
        return start;
    }

    /** A page {@link #advance()} asked for. */
    void accept(String service, ServicePage page) {
        Lane lane = lanes.get(service);
        if (lane == null || lane.done || lane.page != null) {
            throw new IllegalStateException("No page of " + service + " was asked for");
        }
        lane.load(page);
    }

    /** The merged page; call once {@link #advance()} returns no fetches. */
    Result result() {
        Map<String, AuditCursor.Lane> positions = new LinkedHashMap<>();
        lanes.forEach((service, lane) -> positions.put(service, lane.position()));
        AuditCursor next = new AuditCursor(start.clinicId(), start.from(), start.to(), start.patientId(), positions);
        // Sorted once more: a service's next page may start a few milliseconds before the end of the one
        // merged before it (it numbers requests a little out of clock order), and a page is one order.
        List<JsonNode> records = merged.stream().sorted(Comparator.comparing(AuditRecord::key)).map(AuditRecord::json).toList();
        return new Result(records, next.finished() ? null : next);
    }

    /** One service's progress within this merged page. */
    private static final class Lane {

        boolean done;
        /** The service cursor of the page loaded or to be read. */
        String cursor;
        /** What to skip of that page when it is read (again), and the limit it was first read with. */
        AuditCursor.Mark mark;
        int markLimit;
        int pageLimit;
        int pagesRead;
        /** The loaded page, sorted, and how many of its records are merged (or skipped). */
        List<AuditRecord> page;
        String pageNext;
        int index;

        Lane(AuditCursor.Lane position) {
            done = position.done();
            cursor = position.cursor();
            mark = position.mark();
            markLimit = position.limit() == null ? 0 : position.limit();
        }

        void load(ServicePage loaded) {
            pagesRead++;
            page = loaded.records();
            pageNext = loaded.next();
            index = 0;
            if (mark != null) {
                int same = 0;
                while (index < page.size()) {
                    int order = page.get(index).key().compareTo(mark.key());
                    if (order > 0 || (order == 0 && same == mark.count())) {
                        break;
                    }
                    same += order == 0 ? 1 : 0;
                    index++;
                }
                pageLimit = markLimit;
                mark = null;
            }
            turnPageIfMerged();
        }

        AuditRecord head() {
            return page.get(index);
        }

        void consumeHead() {
            index++;
            turnPageIfMerged();
        }

        private void turnPageIfMerged() {
            if (index < page.size()) {
                return;
            }
            page = null;
            if (pageNext == null) {
                done = true;
            } else {
                cursor = pageNext;
            }
        }

        /** Where the next merged page goes on with this service. */
        AuditCursor.Lane position() {
            if (done) {
                return AuditCursor.Lane.DONE;
            }
            if (page == null || index == 0) {
                // Not read, or read and nothing of it merged: read afresh from the same cursor.
                return mark != null ? new AuditCursor.Lane(false, cursor, markLimit, mark) : AuditCursor.Lane.at(cursor);
            }
            AuditRecord.Key last = page.get(index - 1).key();
            int count = 0;
            for (int i = index - 1; i >= 0 && page.get(i).key().equals(last); i--) {
                count++;
            }
            return new AuditCursor.Lane(false, cursor, pageLimit, new AuditCursor.Mark(last, count));
        }
    }
}
