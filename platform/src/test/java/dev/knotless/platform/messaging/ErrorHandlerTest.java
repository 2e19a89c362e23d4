package dev.knotless.platform.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.mongodb.MongoTimeoutException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.listener.MessageListenerContainer;

/** The consumers' error handler as configured: FailureClassifier decides, and Spring Kafka does what it decided. */
class ErrorHandlerTest {

    private static final String TOPIC = "knotless.intake.v1";

    @SuppressWarnings("unchecked")
    private final KafkaOperations<Object, Object> kafka = mock(KafkaOperations.class);
    private final Consumer<?, ?> consumer = mock(Consumer.class);
    private final MessageListenerContainer container = mock(MessageListenerContainer.class);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final DefaultErrorHandler handler;
    private final List<String> observed = new java.util.ArrayList<>();
    private boolean observerFails;

    ErrorHandlerTest() {
        when(kafka.send(any(ProducerRecord.class))).thenReturn(CompletableFuture.completedFuture(null));
        when(consumer.groupMetadata()).thenReturn(new ConsumerGroupMetadata("session-service"));
        when(container.isRunning()).thenReturn(true);
        var properties = new MessagingProperties(3, (short) 1, 1, Duration.ofDays(30),
                new MessagingProperties.Outbox(List.of(), 100, Duration.ofSeconds(60), Duration.ofMillis(200), Duration.ofSeconds(15),
                        Duration.ofSeconds(10), Duration.ofSeconds(30)),
                new MessagingProperties.Consumer(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMinutes(1)));
        handler = new KafkaMessagingConfiguration().knotlessErrorHandler(kafka, properties, meters,
                new ConsumerRetries(Clock.systemUTC(), Duration.ofMinutes(1), meters), observers());
    }

    @Test
    void aStoreOutOfReachIsRetriedAgainAndAgainNotDeadLettered() {
        var record = new ConsumerRecord<Object, Object>(TOPIC, 1, 2L, "patient", "{}");
        var storeDown = new ListenerExecutionFailedException("failed",
                new DataAccessResourceFailureException("down", new MongoTimeoutException("timed out")));
        for (int attempt = 1; attempt <= 20; attempt++) {
            assertThat(handler.handleOne(storeDown, record, consumer, container)).as("recovered after attempt %d", attempt).isFalse();
        }
        verify(kafka, never()).send(any(ProducerRecord.class));
        assertThat(meters.counter("knotless.messaging.dead.lettered", "topic", TOPIC).count()).isZero();
    }

    @Test
    void aMessageAtFaultIsDeadLetteredAtOnce() {
        var record = new ConsumerRecord<Object, Object>(TOPIC, 1, 3L, "patient", "{");
        var poison = new ListenerExecutionFailedException("failed", new UndecodableEventException("not a valid event envelope"));
        assertThat(handler.handleOne(poison, record, consumer, container)).isTrue();
        verify(kafka, times(1)).send(any(ProducerRecord.class));
        assertThat(meters.counter("knotless.messaging.dead.lettered", "topic", TOPIC).count()).isEqualTo(1);
    }

    @Test
    void observersHearOfADeadLetterBeforeItIsSentAndOneThatFailsMakesItARetry() {
        var record = new ConsumerRecord<Object, Object>(TOPIC, 2, 9L, "patient-9", "{");
        var poison = new ListenerExecutionFailedException("failed", new UndecodableEventException("not a valid event envelope"));
        observerFails = true;

        assertThat(handler.handleOne(poison, record, consumer, container)).as("not recovered: the observer could not record it").isFalse();
        verify(kafka, never()).send(any(ProducerRecord.class));

        observerFails = false;
        assertThat(handler.handleOne(poison, record, consumer, container)).isTrue();
        assertThat(observed).containsExactly("patient-9 " + DeadLetterObserver.coordinates(TOPIC, 2, 9L));
        verify(kafka, times(1)).send(any(ProducerRecord.class));
    }

    private org.springframework.beans.factory.ObjectProvider<DeadLetterObserver> observers() {
        var beans = new org.springframework.beans.factory.support.StaticListableBeanFactory();
        beans.addBean("observer", (DeadLetterObserver) (record, cause) -> {
            if (observerFails) {
                throw new IllegalStateException("store down");
            }
            observed.add(record.key() + " " + DeadLetterObserver.coordinates(record.topic(), record.partition(), record.offset()));
        });
        return beans.getBeanProvider(DeadLetterObserver.class);
    }
}
