package dev.knotless.gateway.audit;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One service's answer to {@code GET /api/clinics/{clinicId}/audit}: its records (sorted here by the
 * merged trail's order) and its own cursor of the page after, null on its last page.
 */
record ServicePage(List<AuditRecord> records, String next) {

    ServicePage {
        records = records.stream().sorted(java.util.Comparator.comparing(AuditRecord::key)).toList();
    }

    /** The JSON shape of the platform's AuditPage; anything else is an IllegalArgumentException. */
    static ServicePage parse(JsonNode body, String service) {
        if (body == null || !body.isObject() || !body.path("records").isArray()) {
            throw new IllegalArgumentException("not an audit page");
        }
        List<AuditRecord> records = new ArrayList<>();
        for (JsonNode record : body.get("records")) {
            records.add(AuditRecord.of(record, service));
        }
        JsonNode next = body.get("next");
        if (next != null && !next.isNull() && !next.isString()) {
            throw new IllegalArgumentException("its next is not a cursor");
        }
        return new ServicePage(records, next == null || next.isNull() ? null : next.asString());
    }
}
