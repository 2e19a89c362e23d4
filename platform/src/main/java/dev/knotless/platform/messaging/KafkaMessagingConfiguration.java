package dev.knotless.platform.messaging;

import dev.knotless.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.apache.kafka.common.TopicPartition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.beans.factory.ObjectProvider;
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
import java.time.Clock;

/**
 * Topics declared in code, and the consumers' error handling: a transient failure is retried until
 * it works, holding the partition; a failure the message causes is dead-lettered at once to
 * {@code <topic>-dlt} with the cause in its headers ({@link FailureClassifier}).
 */
@Configuration(proxyBeanMethods = false)
public class KafkaMessagingConfiguration {

    private static final Logger log = LoggerFactory.getLogger(KafkaMessagingConfiguration.class);

    @Bean
    KafkaAdmin.NewTopics knotlessTopics(MessagingProperties properties) {
        return new KafkaAdmin.NewTopics(topics(properties).toArray(NewTopic[]::new));
    }

    /** Each topic and its dead-letter topic, with the durability the properties ask for. */
    static List<NewTopic> topics(MessagingProperties properties) {
        List<NewTopic> topics = new ArrayList<>();
        for (String topic : Topics.ALL) {
            topics.add(topic(topic, properties).build());
            topics.add(topic(Topics.deadLetterOf(topic), properties)
                    .config(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(properties.deadLetterRetention().toMillis()))
                    .build());
        }
        return topics;
    }

    private static TopicBuilder topic(String name, MessagingProperties properties) {
        return TopicBuilder.name(name)
                .partitions(properties.partitions())
                .replicas(properties.replicationFactor())
                .config(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(properties.minInsyncReplicas()));
    }

    @Bean
    @ConditionalOnMissingBean(CommonErrorHandler.class)
    DefaultErrorHandler knotlessErrorHandler(KafkaOperations<Object, Object> kafka, MessagingProperties properties, MeterRegistry meters,
                                             ConsumerRetries retries, ObjectProvider<DeadLetterObserver> observers) {
        // Partition -1 lets the producer choose by key, so a patient's dead letters stay together.
        var deadLetters = new DeadLetterPublishingRecoverer(kafka,
                (record, exception) -> new TopicPartition(Topics.deadLetterOf(record.topic()), -1));
        ConsumerRecordRecoverer recoverer = (record, exception) -> {
            // Coordinates and the failure only: the record's value is patient data.
            Throwable cause = exception.getCause() != null ? exception.getCause() : exception;
            log.warn("Dead-lettering {}-{}@{} after failed processing: {}", record.topic(), record.partition(), record.offset(),
                    cause.getClass().getSimpleName());
            // First: an observer that cannot record the letter makes it a retry, not a letter set aside unnoticed.
            observers.orderedStream().forEach(observer -> observer.deadLettered(record, exception));
            meters.counter("knotless.messaging.dead.lettered", "topic", record.topic()).increment();
            deadLetters.accept(record, exception);
        };
        var consumer = properties.consumer();
        // Anything the message causes fails the same way on every retry: dead-lettered at once (no
        // retries by default), it cannot hold up the events behind it. A store or broker that is down
        // is not the message's fault: retried, patiently and in order, instead of dead-lettering a
        // good event nobody would replay.
        // The default back-off is the transient one and the function picks "no retry" for the rest, not the other way
        // round: Spring Kafka never asks the function when the default back-off has no retries (FailedRecordTracker's
        // noRetries), which dead-lettered every good event the first time the store was out of reach (fault test 5).
        var handler = new DefaultErrorHandler(recoverer, untilItWorks(consumer));
        handler.setBackOffFunction((record, exception) -> FailureClassifier.isTransient(exception) ? null : new FixedBackOff(0, 0));
        handler.setRetryListeners(retries);
        return handler;
    }

    /** Seen by the error handler, the listener containers (applied records, revoked partitions), metrics and readiness. */
    @Bean
    ConsumerRetries consumerRetries(Clock clock, MessagingProperties properties, MeterRegistry meters) {
        return new ConsumerRetries(clock, properties.consumer().stuckAfter(), meters);
    }

    private static BackOff untilItWorks(MessagingProperties.Consumer consumer) {
        var backOff = new ExponentialBackOff(consumer.backoff().toMillis(), 2.0);
        backOff.setMaxInterval(consumer.maxBackoff().toMillis());
        return backOff; // no maximum elapsed time: the partition waits for the store to return
    }

    @Bean
    @ConditionalOnMissingBean
    EventCodec eventCodec() {
        return new EventCodec();
    }
}
