package dev.knotless.gateway;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the three services listen ({@code INTAKE_SERVICE_URL}, {@code SESSION_SERVICE_URL},
 * {@code OUTCOMES_SERVICE_URL}). The routes in application.yml point at these same keys; the
 * gateway reads them here too so that a failure names the service a request was meant for.
 */
@ConfigurationProperties("knotless.gateway.services")
public record GatewayServices(URI intake, URI session, URI outcomes) {

    public GatewayServices {
        requireHttp("intake", intake);
        requireHttp("session", session);
        requireHttp("outcomes", outcomes);
    }

    /** The service name ({@code session-service}) of an upstream URI, if it is one of the three. */
    public Optional<String> nameOf(URI upstream) {
        if (upstream == null) {
            return Optional.empty();
        }
        return Map.of("intake-service", intake, "session-service", session, "outcomes-service", outcomes).entrySet().stream()
                .filter(service -> sameOrigin(service.getValue(), upstream))
                .map(Map.Entry::getKey)
                .findFirst();
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(Objects.requireNonNullElse(b.getScheme(), ""))
                && a.getHost().equalsIgnoreCase(Objects.requireNonNullElse(b.getHost(), ""))
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static void requireHttp(String service, URI uri) {
        if (uri == null || uri.getHost() == null
                || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
            throw new IllegalArgumentException("knotless.gateway.services." + service
                    + " must be an absolute http(s) URL such as http://localhost:8081, but is " + uri);
        }
    }
}
