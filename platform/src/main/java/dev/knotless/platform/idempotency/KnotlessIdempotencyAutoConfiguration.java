package dev.knotless.platform.idempotency;

import dev.knotless.platform.audit.AuditTrail;
import dev.knotless.platform.audit.KnotlessAuditAutoConfiguration;
import dev.knotless.platform.lock.KnotlessLockAutoConfiguration;
import dev.knotless.platform.lock.OncePerInterval;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;

/**
 * {@code Idempotency-Key} for every POST of a service (see {@link IdempotencyFilter}), its keys in the
 * service's own database. On where the audit trail is: with the resource server (the acting person
 * scopes the keys) and a MongoDB template.
 */
@AutoConfiguration(after = {KnotlessAuditAutoConfiguration.class, KnotlessLockAutoConfiguration.class},
        afterName = "org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration")
@ConditionalOnClass(BearerTokenAuthenticationFilter.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(MongoTemplate.class)
@ConditionalOnProperty(prefix = "knotless.idempotency", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(IdempotencyProperties.class)
public class KnotlessIdempotencyAutoConfiguration {

    @Bean
    IdempotencyStore idempotencyStore(MongoTemplate mongo, Clock clock, IdempotencyProperties properties) {
        var store = new IdempotencyStore(mongo, clock, properties.retention(), properties.lease());
        store.createIndexes();
        return store;
    }

    /** After Spring Security's filter chain: the acting person is known, and a refused token never touches a key. */
    @Bean
    FilterRegistrationBean<IdempotencyFilter> idempotencyFilter(IdempotencyStore store, ObjectProvider<AuditTrail> audit) {
        var registration = new FilterRegistrationBean<>(new IdempotencyFilter(store, audit.getIfAvailable()));
        registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER + 10);
        return registration;
    }

    @Bean
    IdempotencyPurge idempotencyPurge(IdempotencyStore store, IdempotencyProperties properties, ObjectProvider<OncePerInterval> once) {
        return new IdempotencyPurge(store, properties.purgeInterval(), once.getIfAvailable());
    }
}
