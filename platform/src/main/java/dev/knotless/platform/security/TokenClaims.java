package dev.knotless.platform.security;

/** The claims of Knotless access tokens beyond the registered ones (the token contract of issue 11). */
public final class TokenClaims {

    /** The staff account's clinic, e.g. {@code clinic-a}; absent for an operator. */
    public static final String CLINIC_ID = "clinic_id";
    /** {@code THERAPIST}, {@code CLINIC_ADMIN} or {@code OPERATOR}. */
    public static final String ROLE = "role";
    /** The audience every service accepts. */
    public static final String AUDIENCE = "knotless-api";

    private TokenClaims() {
    }
}
