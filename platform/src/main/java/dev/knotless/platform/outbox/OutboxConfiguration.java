package dev.knotless.platform.outbox;

import dev.knotless.platform.messaging.MessagingProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.kafka.core.KafkaTemplate;

@Configuration(proxyBeanMethods = false)
public class OutboxConfiguration {

    @Bean
    OutboxRelay outboxRelay(MongoTemplate mongo, KafkaTemplate<String, String> kafka, MessagingProperties properties,
            MeterRegistry meters, Clock clock) {
        return new OutboxRelay(mongo, kafka, properties, meters, clock);
    }

    @Bean
    OutboxWakeUpListener outboxWakeUpListener(OutboxRelay relay) {
        return new OutboxWakeUpListener(relay);
    }

    /**
     * Every service's producer is idempotent with acks=all, whatever its application.yml says: the
     * relay pipelines a document's events and relies on the producer to keep their order.
     */
    @Bean
    DefaultKafkaProducerFactoryCustomizer outboxProducerGuarantees() {
        return factory -> factory.updateConfigs(OutboxRelay.PRODUCER_GUARANTEES);
    }
}
