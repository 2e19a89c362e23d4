package dev.knotless.auth.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.knotless.testsupport.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StaffAccountTest {

    private final MutableClock clock = MutableClock.startingAt("2026-11-19T09:00:00Z");
    private final StaffAccount account = StaffAccount.create("therapist-x", "clinic-x", Role.THERAPIST, "{noop}unused");

    @Test
    void fiveFailuresInARowLockTheAccountForFifteenMinutes() {
        for (int i = 0; i < 4; i++) {
            account.signInFailed(clock);
        }
        assertThat(account.isLocked(clock)).isFalse();

        account.signInFailed(clock);

        assertThat(account.isLocked(clock)).isTrue();
        assertThat(account.lockedUntil()).contains(clock.instant().plus(Duration.ofMinutes(15)));
        clock.advance(Duration.ofMinutes(15).minusSeconds(1));
        assertThat(account.isLocked(clock)).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(account.isLocked(clock)).isFalse();
    }

    @Test
    void aSuccessResetsTheCount() {
        for (int i = 0; i < 4; i++) {
            account.signInFailed(clock);
        }
        assertThat(account.signInSucceeded()).isTrue();
        for (int i = 0; i < 4; i++) {
            account.signInFailed(clock);
        }
        assertThat(account.isLocked(clock)).isFalse();
        assertThat(account.failedSignIns()).isEqualTo(4);
        assertThat(account.signInSucceeded()).isTrue();
        assertThat(account.signInSucceeded()).as("nothing left to reset").isFalse();
    }

    @Test
    void attemptsWhileLockedNeitherExtendTheLockNorCountTowardsTheNext() {
        for (int i = 0; i < 5; i++) {
            account.signInFailed(clock);
        }
        var until = account.lockedUntil().orElseThrow();
        clock.advance(Duration.ofMinutes(10));
        for (int i = 0; i < 5; i++) {
            account.signInFailed(clock);
        }
        assertThat(account.lockedUntil()).contains(until);

        clock.advance(Duration.ofMinutes(5));
        assertThat(account.isLocked(clock)).isFalse();
        account.signInFailed(clock);
        assertThat(account.isLocked(clock)).as("a new count of failures after the lock").isFalse();
        assertThat(account.failedSignIns()).isEqualTo(1);
    }

    @Test
    void anOperatorHasNoClinicAndTheOthersHaveOne() {
        assertThat(StaffAccount.create("operator", null, Role.OPERATOR, "{noop}x").clinicId()).isEmpty();
        assertThat(StaffAccount.create("admin-x", "clinic-x", Role.CLINIC_ADMIN, "{noop}x").clinicId()).contains("clinic-x");
        assertThatThrownBy(() -> StaffAccount.create("operator", "clinic-x", Role.OPERATOR, "{noop}x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StaffAccount.create("therapist-x", " ", Role.THERAPIST, "{noop}x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StaffAccount.create("Not A Username", "clinic-x", Role.THERAPIST, "{noop}x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void itsTextNeverShowsTheHash() {
        assertThat(account.toString()).doesNotContain("unused").contains("therapist-x");
    }

    @Test
    void disablingOrAPasswordResetEndsTheSignInsBeforeItNotTheOnesAfter() {
        var signedIn = clock.instant();
        assertThat(account.signedInBefore(signedIn)).as("nothing ended yet").isFalse();

        clock.advance(Duration.ofMinutes(5));
        account.disable(clock);
        assertThat(account.isDisabled()).isTrue();
        assertThat(account.signedInBefore(signedIn)).isTrue();
        assertThat(account.signedInBefore(clock.instant())).as("the same instant counts as before").isTrue();
        account.enable();
        assertThat(account.isDisabled()).isFalse();
        assertThat(account.signedInBefore(signedIn)).as("enabling again does not revive old sign-ins").isTrue();
        assertThat(account.signedInBefore(clock.instant().plusSeconds(1))).isFalse();
        assertThat(account.signedInBefore(null)).as("a sign-in of unknown time").isTrue();
    }

    @Test
    void aPasswordResetUnlocksAndReplacesTheHash() {
        for (int i = 0; i < StaffAccount.MAX_FAILURES; i++) {
            account.signInFailed(clock);
        }
        assertThat(account.isLocked(clock)).isTrue();

        account.resetPassword("{noop}new", clock);

        assertThat(account.isLocked(clock)).isFalse();
        assertThat(account.passwordHash()).isEqualTo("{noop}new");
        assertThat(account.signedInBefore(clock.instant())).isTrue();
    }

    @Test
    void unlockLiftsTheLock() {
        for (int i = 0; i < StaffAccount.MAX_FAILURES; i++) {
            account.signInFailed(clock);
        }
        assertThat(account.unlock()).isTrue();
        assertThat(account.isLocked(clock)).isFalse();
        assertThat(account.failedSignIns()).isZero();
    }
}
