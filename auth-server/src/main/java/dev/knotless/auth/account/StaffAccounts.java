package dev.knotless.auth.account;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/**
 * Creating accounts (hashing their password) and recording sign-in outcomes, by username only. A
 * clinic's accounts are listed from its roster ({@value #ROSTERS}: one document per clinic, {@code _id}
 * the clinic, holding its usernames), so that a list is two reads by key, never a scan of the accounts.
 */
@Service
public class StaffAccounts {

    static final String ROSTERS = "clinic_staff";
    private static final int ATTEMPTS = 5;

    private final StaffAccountRepository repository;
    private final PasswordEncoder passwordEncoder;
    private final MongoTemplate mongo;

    StaffAccounts(StaffAccountRepository repository, PasswordEncoder passwordEncoder, MongoTemplate mongo) {
        this.repository = repository;
        this.passwordEncoder = passwordEncoder;
        this.mongo = mongo;
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

    /**
     * Inserts a new account, entered on its clinic's roster first; fails when the username is taken
     * (an insert, never an overwrite). A roster entry whose insert then failed is harmless: a list
     * shows only the accounts that belong to the clinic.
     */
    public StaffAccount create(String username, String clinicId, Role role, String rawPassword) {
        StaffAccount account = StaffAccount.create(username, clinicId, role, passwordEncoder.encode(rawPassword));
        account.clinicId().ifPresent(clinic -> enrol(clinic, username));
        return repository.insert(account);
    }

    /** Puts {@code username} on {@code clinicId}'s roster (idempotent). */
    public void enrol(String clinicId, String username) {
        mongo.getCollection(ROSTERS).updateOne(Filters.eq("_id", clinicId), Updates.addToSet("usernames", username),
                new UpdateOptions().upsert(true));
    }

    /** The clinic's accounts by username: its roster, then the accounts by {@code _id}, only those of this clinic. */
    public List<StaffAccount> ofClinic(String clinicId) {
        Document roster = mongo.getCollection(ROSTERS).find(Filters.eq("_id", clinicId)).first();
        List<String> usernames = roster == null ? List.of() : roster.getList("usernames", String.class, List.of());
        if (usernames.isEmpty()) {
            return List.of();
        }
        List<StaffAccount> accounts = new ArrayList<>();
        repository.findAllById(usernames).forEach(account -> {
            if (account.clinicId().filter(clinicId::equals).isPresent()) {
                accounts.add(account);
            }
        });
        accounts.sort(Comparator.comparing(StaffAccount::username));
        return accounts;
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
