package dev.knotless.gateway.balancing;

import java.util.List;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;

/** A service's instances as its delegate lists them, without those {@link RefusedInstances} has set aside. */
final class SkipRefusedInstances extends DelegatingServiceInstanceListSupplier {

    private final RefusedInstances refused;

    SkipRefusedInstances(ServiceInstanceListSupplier delegate, RefusedInstances refused) {
        super(delegate);
        this.refused = refused;
    }

    @Override
    public Flux<List<ServiceInstance>> get() {
        return delegate.get().map(refused::reachable);
    }

    @Override
    public Flux<List<ServiceInstance>> get(Request request) {
        return delegate.get(request).map(refused::reachable);
    }
}
