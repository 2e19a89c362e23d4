package dev.knotless.auth.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.PersistenceCreator;
import org.springframework.data.annotation.Version;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A staff member who signs in: one clinic (none for an operator), one role, a password hash, and
 * the lockout rule: {@value #MAX_FAILURES} failed sign-ins in a row lock the account for
 * {@link #LOCK_DURATION}; a successful sign-in resets the count. Stored under its username
 * ({@code _id}), so every sign-in is a lookup by key.
 */
@Document("staff_accounts")
public final class StaffAccount {

    public static final int MAX_FAILURES = 5;
    public static final Duration LOCK_DURATION = Duration.ofMinutes(15);

    @Id
    private final String username;
    private final String clinicId;
    private final Role role;
    private String passwordHash;
    private int failedSignIns;
    private Instant lockedUntil;
    private boolean disabled;
    private Instant signedOutBefore;
    @Version
    private Long version;

    @PersistenceCreator
    StaffAccount(String username, String clinicId, Role role, String passwordHash, int failedSignIns, Instant lockedUntil, boolean disabled,
            Instant signedOutBefore, Long version) {
        this.username = username;
        this.clinicId = clinicId;
        this.role = role;
        this.passwordHash = passwordHash;
        this.failedSignIns = failedSignIns;
        this.lockedUntil = lockedUntil;
        this.disabled = disabled;
        this.signedOutBefore = signedOutBefore;
        this.version = version;
    }

    /**
     * A new account.
     *
     * @throws IllegalArgumentException for a blank username, an operator with a clinic or a clinic role without one
     */
    public static StaffAccount create(String username, String clinicId, Role role, String passwordHash) {
        if (!PasswordRule.isUsername(username)) {
            throw new IllegalArgumentException("A username is 1 to 64 lower-case letters, digits, '.', '_' or '-'");
        }
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(passwordHash, "passwordHash");
        boolean hasClinic = clinicId != null && !clinicId.isBlank();
        if (role == Role.OPERATOR && hasClinic) {
            throw new IllegalArgumentException("An operator belongs to no clinic");
        }
        if (role != Role.OPERATOR && !hasClinic) {
            throw new IllegalArgumentException("A " + role + " belongs to a clinic");
        }
        return new StaffAccount(username, hasClinic ? clinicId : null, role, passwordHash, 0, null, false, null, null);
    }

    /** True while a lock from too many failures lasts. */
    public boolean isLocked(Clock clock) {
        return lockedUntil != null && clock.instant().isBefore(lockedUntil);
    }

    /** A wrong password: counts towards the lock; the {@value #MAX_FAILURES}th in a row locks the account. */
    public void signInFailed(Clock clock) {
        if (isLocked(clock)) {
            return; // attempts while locked neither extend the lock nor count towards the next one
        }
        failedSignIns++;
        if (failedSignIns >= MAX_FAILURES) {
            lockedUntil = clock.instant().plus(LOCK_DURATION);
            failedSignIns = 0;
        }
    }

    /**
     * The right password on an unlocked account: resets the count.
     *
     * @return whether anything changed (so that an unchanged account is not written)
     */
    public boolean signInSucceeded() {
        boolean changed = failedSignIns != 0 || lockedUntil != null;
        failedSignIns = 0;
        lockedUntil = null;
        return changed;
    }

    public void changePasswordHash(String passwordHash) {
        this.passwordHash = Objects.requireNonNull(passwordHash, "passwordHash");
    }

    /**
     * A password set by an admin: the new hash, the lock lifted, and every sign-in before now
     * ended (its tokens are not renewed, see {@link #signedInBefore(Instant)}).
     */
    public void resetPassword(String passwordHash, Clock clock) {
        changePasswordHash(passwordHash);
        signInSucceeded();
        signedOutBefore = clock.instant();
    }

    /** No sign-in from now on, and no token renewed for an earlier one. */
    public void disable(Clock clock) {
        disabled = true;
        signedOutBefore = clock.instant();
    }

    public void enable() {
        disabled = false;
    }

    /** Lifts a lock from failed sign-ins (the count starts again). */
    public boolean unlock() {
        return signInSucceeded();
    }

    public boolean isDisabled() {
        return disabled;
    }

    /**
     * Whether a sign-in at {@code signedInAt} was ended by a later disable or password reset; one at
     * the same instant counts as before (the safe side).
     */
    public boolean signedInBefore(Instant signedInAt) {
        return signedOutBefore != null && (signedInAt == null || !signedInAt.isAfter(signedOutBefore));
    }
    public String username() {
        return username;
    }

    /** The clinic, or empty for an operator. */
    public Optional<String> clinicId() {
        return Optional.ofNullable(clinicId);
    }

    public Role role() {
        return role;
    }

    public String passwordHash() {
        return passwordHash;
    }

    public int failedSignIns() {
        return failedSignIns;
    }

    public Optional<Instant> lockedUntil() {
        return Optional.ofNullable(lockedUntil);
    }

    @Override
    public String toString() {
        return "StaffAccount[" + username + ", " + role + (clinicId == null ? "" : ", " + clinicId) + "]"; // never the hash
    }
}
