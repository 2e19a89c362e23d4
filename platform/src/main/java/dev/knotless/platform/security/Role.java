package dev.knotless.platform.security;

/** A staff account's role, the token's {@code role} claim; Spring authority {@code ROLE_<name>}. */
public enum Role {
    /** Reads and writes the clinical data of their clinic, issues survey links. */
    THERAPIST,
    /** What a therapist may, and reads their clinic's audit trail. */
    CLINIC_ADMIN,
    /** Health and metrics only, never patient data; has no clinic. */
    OPERATOR;

    public String authority() {
        return "ROLE_" + name();
    }
}
