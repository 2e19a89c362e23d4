package dev.knotless.platform.outbox;

import dev.knotless.platform.lock.OncePerInterval;
import dev.knotless.platform.messaging.MessagingProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.kafka.core.KafkaTemplate;

@Configuration(proxyBeanMethods = false)
@Import(OutboxProducerConfiguration.class)
public class OutboxConfiguration {

    @Bean
    OutboxRelay outboxRelay(MongoTemplate mongo, KafkaTemplate<String, String> kafka, MessagingProperties properties,
            MeterRegistry meters, Clock clock, ObjectProvider<OncePerInterval> once) {
        return new OutboxRelay(mongo, kafka, properties, meters, clock, once.getIfAvailable());
    }

    @Bean
    OutboxWakeUpListener outboxWakeUpListener(OutboxRelay relay) {
        return new OutboxWakeUpListener(relay);
    }
}
