package dev.knotless.platform.audit;

import java.time.Instant;
import java.util.List;

/**
 * A page of a clinic's audit trail in [{@code from}, {@code to}), ordered by {@code at}; {@code next}
 * is the cursor of the following page, null on the last one. A page may hold fewer records than
 * asked (even none) and still have a {@code next}: each page examines a bounded part of the range.
 */
public record AuditPage(String clinicId, Instant from, Instant to, List<AuditEntry> records, String next) {
}
