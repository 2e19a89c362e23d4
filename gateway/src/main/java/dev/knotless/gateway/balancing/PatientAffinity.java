package dev.knotless.gateway.balancing;

import dev.knotless.gateway.GatewayServices;
import java.net.URI;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Sends every request about one patient ({@code /api/patients/{patientId}/...}) to the same instance
 * of its service while that instance is up: it sets Spring Cloud LoadBalancer's hint header to the
 * patient's instance number (the patient id's hash modulo the service's instances), and
 * {@code HintBasedServiceInstanceListSupplier} keeps the instance whose {@code hint} metadata says so
 * ({@link ServiceInstances} numbers them). When that instance is set aside ({@link RefusedInstances})
 * no instance matches the hint and the balancer chooses among the rest.
 *
 * <p>Why: a patient's events must reach Kafka in the order they were made (decision 2, keyed by
 * patient). Each instance's outbox relay sends its own documents in order, but two instances' relays
 * race: with round robin, 5 of 200 patients' three sessions, each recorded after the one before was
 * acknowledged, reached the topic out of order (ReplicasIT). One patient, one instance, one relay.
 * A hint sent by the client is replaced (or removed, for a request about no patient).
 */
@Component
class PatientAffinity implements GlobalFilter, Ordered {

    /** After the route's lb:// address is in the exchange, before the balancer reads the hint. */
    static final int ORDER = ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER - 50;
    private static final Pattern PATIENT_PATH = Pattern.compile("^/api/patients/([^/]+)");

    private final GatewayServices services;
    private final ReactiveLoadBalancer.Factory<ServiceInstance> loadBalancers;

    PatientAffinity(GatewayServices services, ReactiveLoadBalancer.Factory<ServiceInstance> loadBalancers) {
        this.services = services;
        this.loadBalancers = loadBalancers;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        URI url = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
        if (url == null || !"lb".equals(url.getScheme())) {
            return chain.filter(exchange);
        }
        String serviceId = url.getHost();
        String header = loadBalancers.getProperties(serviceId).getHintHeaderName();
        String hint = hint(exchange.getRequest().getPath().value(), services.byServiceId().getOrDefault(serviceId, List.of()).size());
        ServerHttpRequest request = exchange.getRequest().mutate().headers(headers -> {
            headers.remove(header);
            if (hint != null) {
                headers.set(header, hint);
            }
        }).build();
        return chain.filter(exchange.mutate().request(request).build());
    }

    /** The instance number of the patient a path is about, or null when it is about none or there is one instance. */
    static String hint(String path, int instances) {
        Matcher patient = PATIENT_PATH.matcher(path);
        if (instances < 2 || !patient.find()) {
            return null;
        }
        return String.valueOf(Math.floorMod(patient.group(1).hashCode(), instances));
    }
}
