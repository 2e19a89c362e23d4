package dev.knotless.platform.outbox;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.support.LoggingProducerListener;

/** The producer every service publishes its outbox with. */
@Configuration(proxyBeanMethods = false)
class OutboxProducerConfiguration {

    /**
     * Idempotent with acks=all and at most 5 requests in flight, whatever application.yml says:
     * the relay pipelines a document's events and relies on the producer to keep their order.
     */
    @Bean
    DefaultKafkaProducerFactoryCustomizer outboxProducerGuarantees() {
        return factory -> factory.updateConfigs(OutboxRelay.PRODUCER_GUARANTEES);
    }

    /**
     * Spring Kafka logs a failed send with its key and value; an event's value is patient data.
     * Keep the topic and the error, drop the contents.
     */
    @Bean
    static BeanPostProcessor producerFailuresLoggedWithoutContents() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof LoggingProducerListener<?, ?> listener) {
                    listener.setIncludeContents(false);
                }
                return bean;
            }
        };
    }
}
