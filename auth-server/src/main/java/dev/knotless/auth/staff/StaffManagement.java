package dev.knotless.auth.staff;

import dev.knotless.auth.account.PasswordRule;
import dev.knotless.auth.account.Role;
import dev.knotless.auth.account.StaffAccount;
import dev.knotless.auth.account.StaffAccounts;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * A clinic admin's management of their clinic's staff. Every account is looked up by username and
 * must belong to the admin's clinic, else it is the unknown username's 404. Roles a clinic admin may
 * give: {@code THERAPIST} and {@code CLINIC_ADMIN} (an operator belongs to no clinic).
 */
@Service
class StaffManagement {

    /** The signed-in clinic admin, from the token only. */
    record Admin(String username, String clinicId) {
    }

    private final StaffAccounts accounts;
    private final AccountChanges changes;
    private final Clock clock;

    StaffManagement(StaffAccounts accounts, AccountChanges changes, Clock clock) {
        this.accounts = accounts;
        this.changes = changes;
        this.clock = clock;
    }

    List<StaffAccount> list(Admin admin) {
        return accounts.ofClinic(admin.clinicId());
    }

    StaffAccount get(Admin admin, String username) {
        return accounts.find(username).filter(account -> account.clinicId().filter(admin.clinicId()::equals).isPresent())
                .orElseThrow(() -> StaffProblem.notFound(username));
    }

    /**
     * A new account of the admin's clinic with the password the admin chose.
     *
     * @throws StaffProblem 400 naming each bad field, 409 when the username is taken (in any clinic: usernames are global)
     */
    StaffAccount create(Admin admin, String username, String role, String password) {
        List<StaffProblem.FieldError> errors = new ArrayList<>();
        if (!PasswordRule.isUsername(username)) {
            errors.add(new StaffProblem.FieldError("username",
                    username == null ? "is required" : "must be 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"));
        }
        Role parsedRole = null;
        if (role == null) {
            errors.add(new StaffProblem.FieldError("role", "is required"));
        } else if (!role.equals(Role.THERAPIST.name()) && !role.equals(Role.CLINIC_ADMIN.name())) {
            errors.add(new StaffProblem.FieldError("role", "must be one of THERAPIST, CLINIC_ADMIN"));
        } else {
            parsedRole = Role.valueOf(role);
        }
        PasswordRule.problem(password, username).ifPresent(problem -> errors.add(new StaffProblem.FieldError("password", problem)));
        if (!errors.isEmpty()) {
            throw StaffProblem.invalid(errors);
        }
        StaffAccount created;
        try {
            created = accounts.create(username, admin.clinicId(), parsedRole, password);
        } catch (DuplicateKeyException taken) {
            throw new StaffProblem(HttpStatus.CONFLICT, "username-taken", "Username taken",
                    "The username " + username + " is taken; choose another", List.of(new StaffProblem.FieldError("username", "is taken")));
        }
        changes.record(admin.username(), admin.clinicId(), "created", username);
        return created;
    }

    StaffAccount disable(Admin admin, String username) {
        if (username.equals(admin.username())) {
            throw new StaffProblem(HttpStatus.CONFLICT, "own-account", "Own account",
                    "You cannot disable your own account; another clinic admin can", List.of());
        }
        return change(admin, username, "disabled", account -> account.disable(clock));
    }

    StaffAccount enable(Admin admin, String username) {
        return change(admin, username, "enabled", StaffAccount::enable);
    }

    StaffAccount unlock(Admin admin, String username) {
        return change(admin, username, "unlocked", StaffAccount::unlock);
    }

    /** A new password chosen by the admin: the account is unlocked and its earlier sign-ins get no new token. */
    StaffAccount resetPassword(Admin admin, String username, String password) {
        get(admin, username); // another clinic's account is a 404 before its password is judged
        PasswordRule.problem(password, username).ifPresent(problem -> {
            throw StaffProblem.invalid("password", problem);
        });
        String hash = accounts.hash(password);
        return change(admin, username, "password-reset", account -> account.resetPassword(hash, clock));
    }

    private StaffAccount change(Admin admin, String username, String action, Consumer<StaffAccount> change) {
        get(admin, username);
        Optional<StaffAccount> changed = accounts.update(username, account -> {
            change.accept(account);
            return true;
        });
        StaffAccount account = changed.orElseThrow(() -> StaffProblem.notFound(username));
        changes.record(admin.username(), admin.clinicId(), action, username);
        return account;
    }
}
