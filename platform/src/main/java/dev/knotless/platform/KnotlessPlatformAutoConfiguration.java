package dev.knotless.platform;

import dev.knotless.platform.messaging.KafkaMessagingConfiguration;
import dev.knotless.platform.messaging.MessagingProperties;
import dev.knotless.platform.outbox.OutboxConfiguration;
import dev.knotless.platform.store.StoreClientConfiguration;
import dev.knotless.platform.validation.ValidationClockConfiguration;
import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** What every Knotless service gets by depending on the platform module. */
@AutoConfiguration
@EnableConfigurationProperties(MessagingProperties.class)
@Import({KafkaMessagingConfiguration.class, OutboxConfiguration.class, ValidationClockConfiguration.class, StoreClientConfiguration.class})
public class KnotlessPlatformAutoConfiguration {

    /** The time source of every rule; tests replace it with a clock they can move. */
    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
