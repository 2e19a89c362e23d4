package dev.knotless.platform.audit;

/**
 * What a request's attempt record said it did with patient data: kept with a stored answer (an
 * {@code Idempotency-Key}'s) so that handing the answer out again can be recorded as an access too.
 * Ids and the clinic only, never a clinical value.
 */
public record AuditedAccess(AuditAction action, String resourceType, String resourceId, String patientId, String ownerClinic,
                            String followUpId) {
}
