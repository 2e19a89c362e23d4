package dev.knotless.platform.audit;

import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;

/**
 * The audit trail of every access to patient data (issue 11): on with the resource server, in the
 * service's own database. See {@link AuditStore} for the records and {@link AuditTrail} for what the
 * services call.
 */
@AutoConfiguration(afterName = "org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration")
@ConditionalOnClass(BearerTokenAuthenticationFilter.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(MongoTemplate.class)
@EnableConfigurationProperties(AuditProperties.class)
public class KnotlessAuditAutoConfiguration {

    @Bean
    AuditStore auditStore(MongoTemplate mongo, Clock clock, AuditProperties properties,
                          @Value("${spring.application.name:service}") String service) {
        var store = new AuditStore(mongo, clock, properties.retention(), service);
        store.createIndexes();
        return store;
    }

    @Bean
    AuditTrail auditTrail(AuditStore store) {
        return new AuditTrail(store);
    }

    @Bean
    AuditController auditController(AuditStore store, AuditTrail trail, Clock clock) {
        return new AuditController(store, trail, clock);
    }

    /** Before the body limit (413s are recorded too) and before the security filters (so are 401s and 403s). */
    @Bean
    FilterRegistrationBean<AuditFilter> auditFilter(AuditStore store, AuditProperties properties) {
        var registration = new FilterRegistrationBean<>(new AuditFilter(store, properties.paths(), properties.redactedPaths()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
        return registration;
    }
}
