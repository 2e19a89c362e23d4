package dev.knotless.platform.audit;

/** What a request did with patient data. */
public enum AuditAction {
    READ, CREATE, UPDATE
}
