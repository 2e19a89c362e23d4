package dev.knotless.platform.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoTimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

class TransientFailureTest {

    @Test
    void aStoreThatIsDownOrAConcurrentWriteIsRetriedNotDeadLettered() {
        assertThat(KafkaMessagingConfiguration.isTransient(new ListenerExecutionFailedException("listener failed",
                new DataAccessResourceFailureException("down", new MongoTimeoutException("timed out"))))).isTrue();
        assertThat(KafkaMessagingConfiguration.isTransient(new ListenerExecutionFailedException("listener failed",
                new OptimisticLockingFailureException("raced")))).isTrue();
    }

    @Test
    void aBadMessageIsNotTransient() {
        assertThat(KafkaMessagingConfiguration.isTransient(new ListenerExecutionFailedException("listener failed",
                new UndecodableEventException("not json")))).isFalse();
        assertThat(KafkaMessagingConfiguration.isTransient(new IllegalStateException("missing field"))).isFalse();
    }
}
