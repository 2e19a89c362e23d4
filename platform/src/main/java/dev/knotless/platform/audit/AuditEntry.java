package dev.knotless.platform.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One request as the audit trail shows it: who ({@code subject}, {@code role}, {@code actorClinicId},
 * or {@code followUpId} for a survey link), what ({@code action}, {@code resourceType},
 * {@code resourceId}, {@code patientId}), when, from where ({@code clientAddress}, {@code requestId})
 * and the outcome ({@code status}; null when the request never finished, e.g. the service stopped).
 * No clinical values. {@code service} says which service answered, so the gateway can merge the
 * services' pages by {@code at}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEntry(
        String requestId,
        Instant at,
        String service,
        String subject,
        String role,
        String actorClinicId,
        String followUpId,
        String action,
        String resourceType,
        String resourceId,
        String patientId,
        String clinicId,
        String clientAddress,
        String method,
        String path,
        Integer status) {
}
