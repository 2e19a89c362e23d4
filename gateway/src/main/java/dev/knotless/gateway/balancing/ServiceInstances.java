package dev.knotless.gateway.balancing;

import dev.knotless.gateway.GatewayServices;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.cloud.client.discovery.simple.InstanceProperties;
import org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryProperties;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The instances of the three services as SimpleDiscoveryClient's static instances, the same as
 * {@code spring.cloud.discovery.client.simple.instances.<service id>[i].uri} would give, but taken
 * from {@code knotless.gateway.services.*} ({@code INTAKE_SERVICE_URL=http://a:8081,http://b:8081}):
 * one variable per service, a single URL as before or a list, for the launcher, compose and the tests
 * alike. Spring Cloud LoadBalancer (round robin) chooses among them for each {@code lb://} route.
 */
@Configuration(proxyBeanMethods = false)
@LoadBalancerClients(defaultConfiguration = SetAsideRefusedInstances.class)
class ServiceInstances {

    /** Replaces the auto-configured one (conditional on its absence), which would read only {@code spring.cloud.discovery.client.simple.*}. */
    @Bean
    SimpleReactiveDiscoveryProperties simpleReactiveDiscoveryProperties(GatewayServices services) {
        SimpleReactiveDiscoveryProperties properties = new SimpleReactiveDiscoveryProperties();
        Map<String, List<InstanceProperties>> instances = new LinkedHashMap<>();
        services.byServiceId().forEach((serviceId, uris) -> {
            List<InstanceProperties> list = new ArrayList<>();
            for (int i = 0; i < uris.size(); i++) {
                URI uri = uris.get(i);
                InstanceProperties instance = new InstanceProperties();
                instance.setUri(uri);
                instance.setPort(GatewayServices.port(uri)); // a URL without a port (compose: http://session-service) has -1
                instance.setInstanceId(serviceId + "-" + i);
                instance.getMetadata().put("hint", String.valueOf(i)); // what PatientAffinity's hint names
                list.add(instance);
            }
            instances.put(serviceId, list);
        });
        properties.setInstances(instances);
        properties.getLocal().setServiceId("gateway");
        properties.afterPropertiesSet(); // sets each instance's service id
        return properties;
    }
}
