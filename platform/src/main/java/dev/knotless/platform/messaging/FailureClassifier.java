package dev.knotless.platform.messaging;

import com.mongodb.MongoClientException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import java.util.Set;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;

/**
 * Whether a listener's failure lies with the world (a store or broker out of reach, a timeout, a
 * write that lost a race: retry, holding the partition) or with the message (everything else:
 * dead-letter it at once, so it cannot stop the events behind it).
 *
 * <p>Transient by type or by the server's own word: MongoDB's error labels and the codes of a
 * primary that steps down, a server shutting down, a write conflict or a time limit. Any other
 * store error (a duplicate key, a document too large, an unsupported command) fails the same way
 * on every retry.
 */
public final class FailureClassifier {

    /** Server codes that say "not now": shutdown, step-down, write conflict, time limits, network. */
    private static final Set<Integer> TRANSIENT_CODES = Set.of(6, 7, 50, 89, 91, 112, 189, 262, 9001, 10107, 11600, 11602,
            13435, 13436);
    private static final Set<String> TRANSIENT_LABELS = Set.of("RetryableWriteError", "TransientTransactionError");

    private FailureClassifier() {
    }

    public static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (transientByItself(cause)) {
                return true;
            }
        }
        return false;
    }

    private static boolean transientByItself(Throwable cause) {
        if (cause instanceof OptimisticLockingFailureException || cause instanceof DataAccessResourceFailureException
                || cause instanceof TransientDataAccessException || cause instanceof RecoverableDataAccessException) {
            return true;
        }
        if (cause instanceof org.apache.kafka.common.errors.RetriableException
                || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return true;
        }
        if (cause instanceof MongoSocketException || cause instanceof MongoTimeoutException
                || cause instanceof MongoNotPrimaryException || cause instanceof MongoNodeIsRecoveringException
                || cause instanceof MongoExecutionTimeoutException || cause instanceof MongoInterruptedException) {
            return true;
        }
        if (cause instanceof MongoException mongo && !(mongo instanceof MongoClientException)) {
            return TRANSIENT_CODES.contains(mongo.getCode())
                    || mongo.getErrorLabels().stream().anyMatch(TRANSIENT_LABELS::contains);
        }
        return false;
    }
}
