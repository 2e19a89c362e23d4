package dev.knotless.platform.lock;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import java.util.Date;
import java.util.Optional;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.bson.Document;

/**
 * ShedLock's Mongo provider with a look first: a lock another instance holds (its {@code lockUntil}
 * still ahead) is refused after one read by {@code _id}, without the provider's upsert. That upsert
 * refuses a held lock by a duplicate key, which the embedded store logs as a failed command, at
 * ERROR with its stack trace, on every turn an instance skips. The provider's conditional upsert
 * stays the arbiter: two instances that both read the lock as free still get it once.
 */
final class HeldLocksSkipped implements LockProvider {

    private final MongoCollection<Document> locks;
    private final LockProvider provider;

    HeldLocksSkipped(MongoCollection<Document> locks, LockProvider provider) {
        this.locks = locks;
        this.provider = provider;
    }

    @Override
    public Optional<SimpleLock> lock(LockConfiguration configuration) {
        Document lock = locks.find(Filters.eq("_id", configuration.getName())).projection(Projections.include("lockUntil")).first();
        if (lock != null && lock.get("lockUntil") instanceof Date until && until.toInstant().isAfter(ClockProvider.now())) {
            return Optional.empty();
        }
        return provider.lock(configuration);
    }
}
