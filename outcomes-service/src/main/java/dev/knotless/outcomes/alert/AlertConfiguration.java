package dev.knotless.outcomes.alert;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class AlertConfiguration {

    @Bean
    AlertRules alertRules(AlertProperties properties) {
        return new AlertRules(properties.thresholds());
    }
}
