package dev.knotless.platform.store;

import java.util.concurrent.TimeUnit;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The MongoDB client's settings Spring Boot has no property for. Applied after Boot's own customizer
 * (which reads {@code spring.mongodb.uri}), so {@code knotless.store.*} wins over the same option in the URI.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(StoreProperties.class)
public class StoreClientConfiguration {

    @Bean
    MongoClientSettingsBuilderCustomizer knotlessStoreTimeouts(StoreProperties properties) {
        long millis = properties.serverSelectionTimeout().toMillis();
        return settings -> settings.applyToClusterSettings(cluster -> cluster.serverSelectionTimeout(millis, TimeUnit.MILLISECONDS));
    }
}
