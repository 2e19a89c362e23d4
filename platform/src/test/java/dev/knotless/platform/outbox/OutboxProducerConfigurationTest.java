package dev.knotless.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.support.LoggingProducerListener;
import org.springframework.test.util.ReflectionTestUtils;

/** What every service's producer gets from the platform, even against its own application.yml. */
class OutboxProducerConfigurationTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class))
            .withUserConfiguration(OutboxProducerConfiguration.class)
            .withPropertyValues("spring.kafka.producer.acks=1",
                    "spring.kafka.producer.properties.enable.idempotence=false",
                    "spring.kafka.producer.properties.max.in.flight.requests.per.connection=20");

    @Test
    void theProducerIsIdempotentWithAcksFromAllReplicasAndAtMostFiveRequestsInFlight() {
        context.run(context -> {
            var producer = context.getBean(DefaultKafkaProducerFactory.class).getConfigurationProperties();
            assertThat(producer).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                    .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                    .containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        });
    }

    @Test
    void aFailedSendIsLoggedWithoutItsKeyAndValue() {
        context.run(context -> assertThat(ReflectionTestUtils.getField(context.getBean(LoggingProducerListener.class),
                "includeContents")).isEqualTo(false));
    }
}
