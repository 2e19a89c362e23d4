package dev.knotless.platform.messaging;

import dev.knotless.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.apache.kafka.common.TopicPartition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;
import com.mongodb.MongoException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.dao.TransientDataAccessException;

/** Topics declared in code, and error handling by configuration: bounded retries, then {@code <topic>-dlt}. */
@Configuration(proxyBeanMethods = false)
public class KafkaMessagingConfiguration {

    private static final Logger log = LoggerFactory.getLogger(KafkaMessagingConfiguration.class);

    @Bean
    KafkaAdmin.NewTopics knotlessTopics(MessagingProperties properties) {
        return new KafkaAdmin.NewTopics(Topics.ALL.stream()
                .flatMap(topic -> java.util.stream.Stream.of(topic, Topics.deadLetterOf(topic)))
                .map(name -> TopicBuilder.name(name)
                        .partitions(properties.partitions())
                        .replicas(properties.replicationFactor())
                        .build())
                .toArray(NewTopic[]::new));
    }

    @Bean
    @ConditionalOnMissingBean(CommonErrorHandler.class)
    DefaultErrorHandler knotlessErrorHandler(KafkaOperations<Object, Object> kafka, MessagingProperties properties, MeterRegistry meters) {
        // Partition -1 lets the producer choose by key, so a patient's dead letters stay together.
        var deadLetters = new DeadLetterPublishingRecoverer(kafka,
                (record, exception) -> new TopicPartition(Topics.deadLetterOf(record.topic()), -1));
        ConsumerRecordRecoverer recoverer = (record, exception) -> {
            // Coordinates and the failure only: the record's value is patient data.
            Throwable cause = exception.getCause() != null ? exception.getCause() : exception;
            log.warn("Dead-lettering {}-{}@{} after failed processing: {}", record.topic(), record.partition(), record.offset(),
                    cause.getClass().getSimpleName());
            meters.counter("knotless.messaging.dead.lettered", "topic", record.topic()).increment();
            deadLetters.accept(record, exception);
        };
        var consumer = properties.consumer();
        var handler = new DefaultErrorHandler(recoverer,
                new FixedBackOff(consumer.backoff().toMillis(), Math.max(0, consumer.attempts() - 1)));
        handler.addNotRetryableExceptions(UndecodableEventException.class);
        // A store or broker that is down is not the message's fault: retry it, patiently and in
        // order, instead of dead-lettering a good event nobody would replay.
        handler.setBackOffFunction((record, exception) -> isTransient(exception) ? untilItWorks() : null);
        return handler;
    }

    static boolean isTransient(Throwable exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof TransientDataAccessException || cause instanceof DataAccessResourceFailureException
                    || cause instanceof OptimisticLockingFailureException || cause instanceof MongoException
                    || cause instanceof org.apache.kafka.common.errors.RetriableException) {
                return true;
            }
        }
        return false;
    }

    private static BackOff untilItWorks() {
        var backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(30_000);
        return backOff; // no maximum elapsed time: the partition waits for the store to return
    }

    @Bean
    @ConditionalOnMissingBean
    EventCodec eventCodec() {
        return new EventCodec();
    }
}
