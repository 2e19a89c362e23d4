package dev.knotless.auth.account;

import java.util.Optional;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/** Creating accounts (hashing their password) and recording sign-in outcomes, by username only. */
@Service
public class StaffAccounts {

    private static final int ATTEMPTS = 5;

    private final StaffAccountRepository repository;
    private final PasswordEncoder passwordEncoder;

    StaffAccounts(StaffAccountRepository repository, PasswordEncoder passwordEncoder) {
        this.repository = repository;
        this.passwordEncoder = passwordEncoder;
    }

    public Optional<StaffAccount> find(String username) {
        return username == null || username.isBlank() ? Optional.empty() : repository.findById(username);
    }

    public boolean exists(String username) {
        return repository.existsById(username);
    }

    /** The stored form of a password: a salted bcrypt hash with its algorithm prefix. */
    public String hash(String rawPassword) {
        return passwordEncoder.encode(rawPassword);
    }

    /** Inserts a new account; fails when the username is taken (an insert, never an overwrite). */
    public StaffAccount create(String username, String clinicId, Role role, String rawPassword) {
        return repository.insert(StaffAccount.create(username, clinicId, role, passwordEncoder.encode(rawPassword)));
    }

    /**
     * Applies {@code change} to the stored account and writes it, re-reading and retrying when a
     * concurrent sign-in wrote it first (the {@code version} field), so no failure is lost.
     */
    public Optional<StaffAccount> update(String username, java.util.function.Predicate<StaffAccount> change) {
        for (int attempt = 1; ; attempt++) {
            Optional<StaffAccount> account = repository.findById(username);
            if (account.isEmpty() || !change.test(account.get())) {
                return account;
            }
            try {
                return Optional.of(repository.save(account.get()));
            } catch (OptimisticLockingFailureException concurrentWrite) {
                if (attempt >= ATTEMPTS) {
                    throw concurrentWrite;
                }
            }
        }
    }
}
