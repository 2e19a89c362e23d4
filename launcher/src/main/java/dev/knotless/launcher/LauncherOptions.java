package dev.knotless.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link KnotlessSystem#start} needs: where the built jars are ({@code root}), where data and
 * logs live ({@code dataDir}), the ports, the {@code java} that runs the services, how long a
 * service may take to become ready, and the address the three services and every management port
 * listen on ({@code bindAddress}, 127.0.0.1: only the gateway and the auth-server are reachable
 * from other machines).
 *
 * <pre>{@code
 * LauncherOptions options = LauncherOptions.defaults(Path.of("/work/main"))
 *         .withDataDir(temporaryFolder)
 *         .withFreePorts();
 * }</pre>
 */
public record LauncherOptions(Path root, Path dataDir, Ports ports, Path java, Duration startTimeout, String bindAddress) {

    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(3);
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";

    public LauncherOptions {
        root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
        Objects.requireNonNull(ports, "ports");
        Objects.requireNonNull(java, "java");
        if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("The start timeout must be positive, not " + startTimeout);
        }
        if (bindAddress == null || bindAddress.isBlank()) {
            throw new IllegalArgumentException("The bind address must be an address of this machine such as 127.0.0.1");
        }
        bindAddress = bindAddress.strip();
    }

    /** As before the bind address existed: the services on 127.0.0.1. */
    public LauncherOptions(Path root, Path dataDir, Ports ports, Path java, Duration startTimeout) {
        this(root, dataDir, ports, java, startTimeout, DEFAULT_BIND_ADDRESS);
    }

    /** Data in {@code <root>/data}, the default ports, the java running this JVM, a 3 minute start timeout, services on 127.0.0.1. */
    public static LauncherOptions defaults(Path root) {
        return new LauncherOptions(root, root.resolve("data"), Ports.defaults(), currentJava(), DEFAULT_START_TIMEOUT);
    }

    public LauncherOptions withDataDir(Path dataDir) {
        return new LauncherOptions(root, dataDir, ports, java, startTimeout, bindAddress);
    }

    public LauncherOptions withPorts(Ports ports) {
        return new LauncherOptions(root, dataDir, ports, java, startTimeout, bindAddress);
    }

    /** Ports free right now, so that a test disturbs nothing else on the machine (for as many instances as these options have). */
    public LauncherOptions withFreePorts() {
        return withPorts(Ports.free(instances()));
    }

    /**
     * {@code count} instances of each service behind the gateway ({@code ./knotless up --replicas N}),
     * instance {@code i} on its ports plus {@value Ports#REPLICA_OFFSET}{@code  * i} ({@link Ports#withInstances});
     * the gateway and the auth-server stay single. Call {@link #withFreePorts()} after it for free ports throughout.
     */
    public LauncherOptions withReplicas(int count) {
        return withPorts(ports.withInstances(count));
    }

    /** How many instances of each service behind the gateway run: 1 unless {@link #withReplicas}. */
    public int instances() {
        return ports.instances();
    }

    public LauncherOptions withJava(Path java) {
        return new LauncherOptions(root, dataDir, ports, java, startTimeout, bindAddress);
    }

    public LauncherOptions withStartTimeout(Duration startTimeout) {
        return new LauncherOptions(root, dataDir, ports, java, startTimeout, bindAddress);
    }

    /** Where the three services and every management port listen, e.g. 0.0.0.0 to reach them from other machines (not advised). */
    public LauncherOptions withBindAddress(String bindAddress) {
        return new LauncherOptions(root, dataDir, ports, java, startTimeout, bindAddress);
    }

    /** How the launcher and the gateway reach a service bound to {@link #bindAddress}: a wildcard address is reached on loopback. */
    public String serviceHost() {
        return bindAddress.equals("0.0.0.0") || bindAddress.equals("::") ? "127.0.0.1" : bindAddress;
    }

    /** {@code <dataDir>/logs}: one log file per service. */
    public Path logDir() {
        return dataDir.resolve("logs");
    }

    static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }
}
