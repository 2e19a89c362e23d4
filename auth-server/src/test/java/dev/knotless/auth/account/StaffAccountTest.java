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
}
