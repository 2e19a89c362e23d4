package dev.knotless.gateway.balancing;

import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The instance list of every load-balanced service ({@code @LoadBalancerClients(defaultConfiguration)}
 * in {@link ServiceInstances}): SimpleDiscoveryClient's static instances, less those that refused a
 * connection a moment ago, then the one a request's hint names if it is among them ({@link PatientAffinity}). No cache: the list is in memory already. Not a {@code @Configuration}, so
 * that component scanning leaves it to Spring Cloud LoadBalancer's context per service.
 */
class SetAsideRefusedInstances {

    @Bean
    ServiceInstanceListSupplier skipRefusedInstances(ConfigurableApplicationContext context) {
        RefusedInstances refused = context.getBean(RefusedInstances.class);
        return ServiceInstanceListSupplier.builder()
                .withDiscoveryClient()
                .with((ignored, delegate) -> new SkipRefusedInstances(delegate, refused))
                .withHints() // a patient's instance (PatientAffinity), unless it was set aside just above
                .build(context);
    }
}
