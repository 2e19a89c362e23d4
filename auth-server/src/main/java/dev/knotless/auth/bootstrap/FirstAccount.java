package dev.knotless.auth.bootstrap;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.Filters;
import dev.knotless.auth.AuthProperties;
import dev.knotless.auth.account.PasswordRule;
import dev.knotless.auth.account.Role;
import dev.knotless.auth.account.StaffAccounts;
import dev.knotless.auth.staff.AccountChanges;
import java.time.Clock;
import java.util.Date;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * The first account of an installation, from {@code KNOTLESS_AUTH_BOOTSTRAP_USERNAME}, {@code _ROLE}
 * ({@code CLINIC_ADMIN} by default, or {@code OPERATOR}), {@code _CLINIC} and {@code _PASSWORD}:
 * created once per database, the first time the auth-server starts with them. A marker document
 * ({@value #MARKERS}/{@value #MARKER}, read by key) records that it was done; from then on the
 * settings are ignored, so a password left in the environment can never create or change an
 * account again (a warning says to remove it). An existing account of that name is never changed.
 * Bad settings (a weak password, a clinic admin without a clinic) stop the start with the variable
 * named, never its value.
 */
@Component
class FirstAccount implements ApplicationRunner {

    static final String MARKERS = "auth_bootstrap";
    static final String MARKER = "first-account";

    private static final Logger log = LoggerFactory.getLogger(FirstAccount.class);

    private final AuthProperties.Bootstrap settings;
    private final StaffAccounts accounts;
    private final AccountChanges changes;
    private final MongoTemplate mongo;
    private final Clock clock;

    FirstAccount(AuthProperties properties, StaffAccounts accounts, AccountChanges changes, MongoTemplate mongo, Clock clock) {
        this.settings = properties.bootstrap();
        this.accounts = accounts;
        this.changes = changes;
        this.mongo = mongo;
        this.clock = clock;
    }

    @Override
    public void run(ApplicationArguments args) {
        boolean passwordGiven = settings.password() != null && !settings.password().isEmpty();
        if (!settings.requested()) {
            if (passwordGiven) {
                log.warn("KNOTLESS_AUTH_BOOTSTRAP_PASSWORD is set without KNOTLESS_AUTH_BOOTSTRAP_USERNAME: ignored; remove it");
            }
            return;
        }
        Document done = mongo.getCollection(MARKERS).find(Filters.eq("_id", MARKER)).first();
        if (done != null) {
            if (passwordGiven) {
                log.warn("The first account ({}) was created at {}: KNOTLESS_AUTH_BOOTSTRAP_* is ignored; remove "
                        + "KNOTLESS_AUTH_BOOTSTRAP_PASSWORD from the environment", done.getString("username"), done.getDate("at").toInstant());
            }
            return;
        }
        String username = settings.username().strip();
        Role role = role();
        String clinic = settings.clinicId() == null || settings.clinicId().isBlank() ? null : settings.clinicId().strip();
        check(username, role, clinic);
        try {
            accounts.create(username, clinic, role, settings.password());
            changes.record("bootstrap", clinic, "created", username);
            log.warn("First account {} ({}{}) created from KNOTLESS_AUTH_BOOTSTRAP_*; remove KNOTLESS_AUTH_BOOTSTRAP_PASSWORD from the "
                    + "environment now", username, role, clinic == null ? "" : ", " + clinic);
        } catch (DuplicateKeyException exists) {
            log.warn("Bootstrap account {} exists already: left unchanged", username);
        }
        try {
            mongo.getCollection(MARKERS).insertOne(new Document("_id", MARKER).append("username", username).append("at", Date.from(clock.instant())));
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            // another instance started at the same moment and wrote it
        }
    }

    private Role role() {
        try {
            Role role = Role.valueOf(settings.role().strip());
            if (role == Role.THERAPIST) {
                throw new IllegalArgumentException();
            }
            return role;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("KNOTLESS_AUTH_BOOTSTRAP_ROLE must be CLINIC_ADMIN or OPERATOR");
        }
    }

    private void check(String username, Role role, String clinic) {
        if (!PasswordRule.isUsername(username)) {
            throw new IllegalStateException("KNOTLESS_AUTH_BOOTSTRAP_USERNAME must be 1 to 64 lower-case letters, digits, '.', '_' or '-'");
        }
        if (role == Role.CLINIC_ADMIN && clinic == null) {
            throw new IllegalStateException("KNOTLESS_AUTH_BOOTSTRAP_CLINIC is required for a CLINIC_ADMIN");
        }
        if (role == Role.OPERATOR && clinic != null) {
            throw new IllegalStateException("KNOTLESS_AUTH_BOOTSTRAP_CLINIC must be empty for an OPERATOR");
        }
        PasswordRule.problem(settings.password(), username).ifPresent(problem -> {
            throw new IllegalStateException("KNOTLESS_AUTH_BOOTSTRAP_PASSWORD " + problem);
        });
    }
}
