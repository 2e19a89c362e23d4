package dev.knotless.auth.demo;

import dev.knotless.auth.AuthProperties;
import dev.knotless.auth.account.Role;
import dev.knotless.auth.account.StaffAccounts;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

/**
 * The demo accounts of {@code ./knotless up}, only when {@code knotless.auth.demo-accounts.enabled}:
 * created when missing, never touched when present (a changed password stays changed) unless
 * {@code knotless.auth.demo-accounts.reset-passwords} asks for it (a lost generated password). Their
 * password is {@code KNOTLESS_DEMO_PASSWORD}, or else generated once, stored hashed and printed on
 * the console (standard output) only, never to a log: it cannot be shown again.
 */
@Component
class DemoAccounts implements ApplicationRunner {

    record Demo(String username, String clinicId, Role role) {
    }

    static final List<Demo> ACCOUNTS = List.of(
            new Demo("therapist-a", "clinic-a", Role.THERAPIST),
            new Demo("admin-a", "clinic-a", Role.CLINIC_ADMIN),
            new Demo("therapist-b", "clinic-b", Role.THERAPIST),
            new Demo("operator", null, Role.OPERATOR));

    /** The console line the launcher looks for; the password follows it. */
    static final String GENERATED_PASSWORD_LINE = "KNOTLESS_DEMO_PASSWORD (generated, shown once): ";

    private static final Logger log = LoggerFactory.getLogger(DemoAccounts.class);
    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private final AuthProperties.DemoAccounts settings;
    private final StaffAccounts accounts;
    private final PrintStream console;

    @Autowired
    DemoAccounts(AuthProperties properties, StaffAccounts accounts) {
        this(properties.demoAccounts(), accounts, System.out);
    }

    DemoAccounts(AuthProperties.DemoAccounts settings, StaffAccounts accounts, PrintStream console) {
        this.settings = settings;
        this.accounts = accounts;
        this.console = console;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!settings.enabled()) {
            return;
        }
        List<Demo> missing = ACCOUNTS.stream().filter(demo -> !accounts.exists(demo.username())).toList();
        List<Demo> present = ACCOUNTS.stream().filter(demo -> !missing.contains(demo)).toList();
        // on their clinic's roster (accounts made before rosters existed); idempotent, the accounts untouched
        present.stream().filter(demo -> demo.clinicId() != null).forEach(demo -> accounts.enrol(demo.clinicId(), demo.username()));
        List<Demo> reset = settings.resetPasswords() ? present : List.of();
        if (missing.isEmpty() && reset.isEmpty()) {
            log.info("Demo accounts present: {} (passwords unchanged)", ACCOUNTS.stream().map(Demo::username).toList());
            return;
        }
        boolean generated = settings.password() == null || settings.password().isBlank();
        String password = generated ? generate() : settings.password();
        for (Demo demo : missing) {
            try {
                accounts.create(demo.username(), demo.clinicId(), demo.role(), password);
            } catch (DuplicateKeyException createdConcurrently) {
                // another instance created it a moment ago: keep theirs
            }
        }
        String hash = reset.isEmpty() ? null : accounts.hash(password);
        for (Demo demo : reset) {
            accounts.update(demo.username(), account -> {
                account.changePasswordHash(hash);
                account.signInSucceeded(); // unlocked too
                return true;
            });
        }
        List<String> changed = java.util.stream.Stream.concat(missing.stream(), reset.stream()).map(Demo::username).toList();
        log.info("Demo accounts {}: {}, password {}", reset.isEmpty() ? "created" : "created or reset", changed,
                generated ? "generated (printed on the console once)" : "from KNOTLESS_DEMO_PASSWORD");
        if (generated) {
            console.println();
            console.println("Demo accounts " + String.join(", ", changed) + (reset.isEmpty() ? " created." : " created or reset."));
            console.println(GENERATED_PASSWORD_LINE + password);
            console.println("It is kept only hashed and is not shown again; set KNOTLESS_DEMO_PASSWORD to choose one.");
            console.println();
            console.flush();
        }
    }

    private static String generate() {
        SecureRandom random = new SecureRandom();
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }
}
