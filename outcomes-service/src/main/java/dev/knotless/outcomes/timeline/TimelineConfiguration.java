package dev.knotless.outcomes.timeline;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class TimelineConfiguration {

    @Bean
    PainMcid painMcid(TimelineProperties properties) {
        return new PainMcid(properties.painMcid());
    }
}
