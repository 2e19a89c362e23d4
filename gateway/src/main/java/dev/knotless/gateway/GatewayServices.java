package dev.knotless.gateway;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the instances of the three services listen ({@code INTAKE_SERVICE_URL},
 * {@code SESSION_SERVICE_URL}, {@code OUTCOMES_SERVICE_URL}): one URL per service, or several
 * separated by commas for several instances ({@code ./knotless up --replicas N}). They become the
 * static instances of Spring Cloud's SimpleDiscoveryClient under the service ids
 * {@code intake-service}, {@code session-service} and {@code outcomes-service}, which the routes in
 * application.yml reach as {@code lb://<service id>} (decision 21 in docs/architecture.md).
 */
@ConfigurationProperties("knotless.gateway.services")
public record GatewayServices(List<URI> intake, List<URI> session, List<URI> outcomes) {

    public static final String INTAKE = "intake-service";
    public static final String SESSION = "session-service";
    public static final String OUTCOMES = "outcomes-service";

    public GatewayServices {
        intake = requireHttp("intake", intake);
        session = requireHttp("session", session);
        outcomes = requireHttp("outcomes", outcomes);
    }

    /** The instances of each service by its service id, in the order given. */
    public Map<String, List<URI>> byServiceId() {
        Map<String, List<URI>> byId = new LinkedHashMap<>();
        byId.put(INTAKE, intake);
        byId.put(SESSION, session);
        byId.put(OUTCOMES, outcomes);
        return byId;
    }

    /**
     * The service id ({@code session-service}) of an upstream URI: a route's {@code lb://session-service},
     * or the address of one of its instances.
     */
    public Optional<String> nameOf(URI upstream) {
        if (upstream == null) {
            return Optional.empty();
        }
        if ("lb".equalsIgnoreCase(upstream.getScheme())) {
            return Optional.ofNullable(upstream.getHost()).filter(byServiceId()::containsKey);
        }
        return byServiceId().entrySet().stream()
                .filter(service -> service.getValue().stream().anyMatch(instance -> sameOrigin(instance, upstream)))
                .map(Map.Entry::getKey)
                .findFirst();
    }

    /** The port of an http(s) URL, its scheme's default when it names none. */
    public static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(Objects.requireNonNullElse(b.getScheme(), ""))
                && a.getHost().equalsIgnoreCase(Objects.requireNonNullElse(b.getHost(), ""))
                && port(a) == port(b);
    }

    private static List<URI> requireHttp(String service, List<URI> instances) {
        if (instances == null || instances.isEmpty()) {
            throw new IllegalArgumentException("knotless.gateway.services." + service
                    + " needs the URL of at least one instance, such as http://localhost:8081");
        }
        for (URI uri : instances) {
            if (uri == null || uri.getHost() == null
                    || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                throw new IllegalArgumentException("knotless.gateway.services." + service
                        + " must be absolute http(s) URLs separated by commas, such as http://localhost:8081, but has " + uri);
            }
        }
        if (instances.stream().distinct().count() < instances.size()) {
            throw new IllegalArgumentException("knotless.gateway.services." + service + " names an instance twice: " + instances);
        }
        return List.copyOf(instances);
    }
}
