package dev.knotless.gateway.balancing;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.stereotype.Component;

/**
 * The instances that refused a connection a moment ago, set aside for {@link #SET_ASIDE}: the
 * balancer ({@link SkipRefusedInstances}) chooses among the others while there are any. A
 * {@link LoadBalancerLifecycle}, so Spring Cloud LoadBalancer tells it how each routed request
 * (and each of the audit query's) ended.
 *
 * <p>Why: round robin alone keeps sending a share of the requests to an instance that is down (a
 * rolling restart takes one away for 20 s or more), and the gateway's retry of such a request
 * would meet the same instance again about every second time. Only a refused connection counts,
 * not a slow or failed answer: that the request never reached the instance is certain, and says
 * the instance is not listening. Spring Cloud LoadBalancer's own health check would need each
 * instance's health on its API port; here health is on a management port of its own.
 */
@Component
public class RefusedInstances implements LoadBalancerLifecycle<Object, Object, ServiceInstance> {

    /** Long enough to route around an instance being restarted, short enough to use it soon after it is back. */
    static final Duration SET_ASIDE = Duration.ofSeconds(3);
    private static final Logger log = LoggerFactory.getLogger(RefusedInstances.class);

    private final Map<String, Instant> setAsideUntil = new ConcurrentHashMap<>();
    private final Clock clock;

    RefusedInstances(Clock clock) {
        this.clock = clock;
    }

    /** {@code instances} without those set aside; all of them when every one is set aside (one may be back). */
    List<ServiceInstance> reachable(List<ServiceInstance> instances) {
        if (setAsideUntil.isEmpty()) {
            return instances;
        }
        Instant now = clock.instant();
        List<ServiceInstance> reachable = instances.stream()
                .filter(instance -> {
                    Instant until = setAsideUntil.get(key(instance));
                    return until == null || !until.isAfter(now);
                })
                .toList();
        return reachable.isEmpty() ? instances : reachable;
    }

    void refused(ServiceInstance instance) {
        Instant now = clock.instant();
        Instant until = now.plus(SET_ASIDE);
        Instant before = setAsideUntil.put(key(instance), until);
        if (before == null || !before.isAfter(now)) {
            log.warn("{} instance {}:{} refused a connection: set aside until {}", instance.getServiceId(), instance.getHost(),
                    instance.getPort(), until);
        }
        setAsideUntil.entrySet().removeIf(entry -> !entry.getValue().isAfter(now));
    }

    @Override
    public boolean supports(Class requestContextClass, Class responseClass, Class serverTypeClass) {
        return ServiceInstance.class.isAssignableFrom(serverTypeClass);
    }

    @Override
    public void onStart(Request<Object> request) {
    }

    @Override
    public void onStartRequest(Request<Object> request, Response<ServiceInstance> lbResponse) {
    }

    @Override
    public void onComplete(CompletionContext<Object, ServiceInstance, Object> completion) {
        Response<ServiceInstance> chosen = completion.getLoadBalancerResponse();
        if (completion.status() == CompletionContext.Status.FAILED && chosen != null && chosen.hasServer()
                && connectionRefused(completion.getThrowable())) {
            refused(chosen.getServer());
        }
    }

    private static boolean connectionRefused(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    private static String key(ServiceInstance instance) {
        return instance.getServiceId() + " " + instance.getHost() + ":" + instance.getPort();
    }
}
