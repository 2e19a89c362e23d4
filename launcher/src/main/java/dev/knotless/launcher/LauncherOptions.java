package dev.knotless.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link KnotlessSystem#start} needs: where the built jars are ({@code root}), where data and
 * logs live ({@code dataDir}), the ports, the {@code java} that runs the services and how long a
 * service may take to become ready.
 *
 * <pre>{@code
 * LauncherOptions options = LauncherOptions.defaults(Path.of("/work/main"))
 *         .withDataDir(temporaryFolder)
 *         .withFreePorts();
 * }</pre>
 */
public record LauncherOptions(Path root, Path dataDir, Ports ports, Path java, Duration startTimeout) {

    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(3);

    public LauncherOptions {
        root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
        Objects.requireNonNull(ports, "ports");
        Objects.requireNonNull(java, "java");
        if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("The start timeout must be positive, not " + startTimeout);
        }
    }

    /** Data in {@code <root>/data}, the default ports, the java running this JVM, a 3 minute start timeout. */
    public static LauncherOptions defaults(Path root) {
        return new LauncherOptions(root, root.resolve("data"), Ports.defaults(), currentJava(), DEFAULT_START_TIMEOUT);
    }

    public LauncherOptions withDataDir(Path dataDir) {
        return new LauncherOptions(root, dataDir, ports, java, startTimeout);
    }

    public LauncherOptions withPorts(Ports ports) {
        return new LauncherOptions(root, dataDir, ports, java, startTimeout);
    }

    /** Eight ports free right now, so that a test disturbs nothing else on the machine. */
    public LauncherOptions withFreePorts() {
        return withPorts(Ports.free());
    }

    public LauncherOptions withJava(Path java) {
        return new LauncherOptions(root, dataDir, ports, java, startTimeout);
    }

    public LauncherOptions withStartTimeout(Duration startTimeout) {
        return new LauncherOptions(root, dataDir, ports, java, startTimeout);
    }

    /** {@code <dataDir>/logs}: one log file per service. */
    public Path logDir() {
        return dataDir.resolve("logs");
    }

    static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }
}
