package dev.knotless.platform.validation;

import java.time.Clock;
import org.springframework.boot.validation.autoconfigure.ValidationConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@code @PastOrPresent} and friends judge "now" by the application's Clock, so tests can move it. */
@Configuration(proxyBeanMethods = false)
public class ValidationClockConfiguration {

    @Bean
    ValidationConfigurationCustomizer knotlessValidationClock(Clock clock) {
        return configuration -> configuration.clockProvider(() -> clock);
    }
}
