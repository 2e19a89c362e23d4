package dev.knotless.platform.lock;

import com.mongodb.ReadConcern;
import com.mongodb.client.MongoDatabase;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.mongo.MongoLockProvider;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * Periodic jobs that must run on one instance at a time, however many instances of the service share
 * its database: ShedLock with a lock document per job in the service's own database (collection
 * {@value #COLLECTION}, {@code _id} the job's name). Spring-scheduled methods take
 * {@code @SchedulerLock}; jobs on a thread of their own go through {@link OncePerInterval}.
 *
 * <p>ShedLock's Mongo provider reads and writes a lock by {@code _id} only (with {@code lockUntil} or
 * {@code lockedBy} beside it in the same filter), which the embedded store serves from the key
 * (docs/architecture.md, decisions 10 and 19). Its time is ShedLock's own {@code ClockProvider}, a
 * JVM-wide static, not the service's {@code Clock}: a lock is about real time between processes,
 * while tests move the service's clock by days and run several contexts with different clocks in
 * one JVM.
 */
@AutoConfiguration(afterName = "org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration")
@ConditionalOnBean(MongoTemplate.class)
// Method proxies: a locked method is locked however it is called. The default applies to no job of ours (each says its own).
@EnableSchedulerLock(interceptMode = EnableSchedulerLock.InterceptMode.PROXY_METHOD, defaultLockAtMostFor = "10m")
public class KnotlessLockAutoConfiguration {

    /** Where the locks are, in each service's own database. */
    public static final String COLLECTION = "shedLock";

    /**
     * On the collection {@value #COLLECTION}, with majority write and read concerns (ShedLock's own
     * choice for a database), looking before it takes ({@link HeldLocksSkipped}).
     */
    @Bean
    @ConditionalOnMissingBean
    LockProvider lockProvider(MongoTemplate mongo) {
        return lockProvider(mongo.getDb());
    }

    /** The lock provider every service gets, on this database. */
    public static LockProvider lockProvider(MongoDatabase database) {
        return new HeldLocksSkipped(database.getCollection(COLLECTION).withReadConcern(ReadConcern.MAJORITY),
                new MongoLockProvider(database));
    }

    @Bean
    @ConditionalOnMissingBean
    OncePerInterval oncePerInterval(LockProvider locks) {
        return new OncePerInterval(new DefaultLockingTaskExecutor(locks));
    }
}
