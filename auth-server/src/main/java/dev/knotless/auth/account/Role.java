package dev.knotless.auth.account;

/** A staff account's one role; it becomes the token's {@code role} claim. */
public enum Role {
    /** Reads and writes the clinical data of their clinic. */
    THERAPIST,
    /** A therapist who also reads their clinic's audit trail. */
    CLINIC_ADMIN,
    /** Runs the system: metrics and health, never patient data; belongs to no clinic. */
    OPERATOR
}
