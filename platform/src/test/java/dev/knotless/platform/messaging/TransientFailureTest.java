package dev.knotless.platform.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoSocketReadException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteException;
import com.mongodb.ServerAddress;
import com.mongodb.WriteError;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.mongodb.UncategorizedMongoDbException;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

/** Retried while the world is at fault; dead-lettered at once when the message is. */
class TransientFailureTest {

    private static final ServerAddress STORE = new ServerAddress("127.0.0.1", 27017);

    @Test
    void aStoreThatIsDownOrAConcurrentWriteIsRetriedNotDeadLettered() {
        assertThat(FailureClassifier.isTransient(failed(new DataAccessResourceFailureException("down",
                new MongoTimeoutException("timed out"))))).isTrue();
        assertThat(FailureClassifier.isTransient(failed(new OptimisticLockingFailureException("raced")))).isTrue();
        assertThat(FailureClassifier.isTransient(failed(new MongoSocketReadException("reset", STORE)))).isTrue();
        assertThat(FailureClassifier.isTransient(failed(new UncategorizedMongoDbException("stepped down",
                command(189, "PrimarySteppedDown"))))).as("a primary stepping down").isTrue();
        assertThat(FailureClassifier.isTransient(failed(write(112, "WriteConflict")))).as("a write conflict").isTrue();
        assertThat(FailureClassifier.isTransient(failed(new org.apache.kafka.common.errors.NotLeaderOrFollowerException("moved"))))
                .as("a broker that moved a partition").isTrue();
    }

    @Test
    void whatTheMessageCausesIsNotTransient() {
        assertThat(FailureClassifier.isTransient(failed(new UndecodableEventException("not json")))).isFalse();
        assertThat(FailureClassifier.isTransient(new IllegalStateException("missing field"))).isFalse();
        assertThat(FailureClassifier.isTransient(failed(new DuplicateKeyException("E11000", write(11000, "duplicate key")))))
                .as("a duplicate key: the same on every retry").isFalse();
        assertThat(FailureClassifier.isTransient(failed(new UncategorizedMongoDbException("too large",
                write(10334, "BSONObjectTooLarge"))))).as("a document too large").isFalse();
        assertThat(FailureClassifier.isTransient(failed(command(59, "CommandNotFound")))).as("an unsupported command").isFalse();
    }

    private static ListenerExecutionFailedException failed(Throwable cause) {
        return new ListenerExecutionFailedException("listener failed", cause);
    }

    private static MongoWriteException write(int code, String message) {
        return new MongoWriteException(new WriteError(code, message, new BsonDocument()), STORE, java.util.Set.of());
    }

    private static MongoCommandException command(int code, String name) {
        return new MongoCommandException(new BsonDocument("ok", new BsonInt32(0)).append("code", new BsonInt32(code))
                .append("codeName", new BsonString(name)).append("errmsg", new BsonString(name)), STORE);
    }
}
