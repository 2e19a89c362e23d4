package dev.knotless.launcher;

import java.nio.file.Path;
import java.util.List;

/** The five Spring Boot applications, each run from its executable jar as its own process. */
public enum Service {
    /** The OpenID Connect provider: the others trust its tokens. */
    AUTH("auth-server", "knotless-auth"),
    INTAKE("intake-service", "knotless-intake"),
    SESSION("session-service", "knotless-session"),
    OUTCOMES("outcomes-service", "knotless-outcomes"),
    GATEWAY("gateway", null);

    /** The three behind the gateway, started together before it. */
    public static final List<Service> BEHIND_GATEWAY = List.of(INTAKE, SESSION, OUTCOMES);

    private final String serviceName;
    private final String database;

    Service(String serviceName, String database) {
        this.serviceName = serviceName;
        this.database = database;
    }

    /** {@code intake-service}: the module folder, the jar's name and the name in logs. */
    public String serviceName() {
        return serviceName;
    }

    /**
     * How logs, pid files and messages name instance {@code index} of a service: {@code intake-service}
     * for the first (as with one instance), {@code intake-service-1} for the second, and so on.
     */
    public static String instanceName(Service service, int index) {
        return index == 0 ? service.serviceName : service.serviceName + "-" + index;
    }

    /** The service's own database in the store, or null for the gateway, which has none. */
    public String database() {
        return database;
    }

    /** {@code <root>/intake-service/target/intake-service.jar}, as {@code ./mvnw package} leaves it. */
    public Path jar(Path root) {
        return root.resolve(serviceName).resolve("target").resolve(serviceName + ".jar");
    }

    @Override
    public String toString() {
        return serviceName;
    }
}
