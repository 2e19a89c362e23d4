package dev.knotless.system;

import dev.knotless.launcher.AuthorizationCodeFlow;
import dev.knotless.launcher.KnotlessSystem;
import dev.knotless.launcher.LauncherOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole system as {@code ./knotless up} runs it, on free ports and a fresh data folder: the
 * launcher's own code, so the system test also proves the launcher.
 */
final class RunningSystem implements AutoCloseable {

    private final KnotlessSystem system;

    private RunningSystem(KnotlessSystem system) {
        this.system = system;
    }

    static RunningSystem start() throws IOException {
        return start(1);
    }

    /** As {@code ./knotless up --replicas <replicas>}: that many instances of each service behind the gateway. */
    static RunningSystem start(int replicas) throws IOException {
        Path root = Path.of(System.getProperty("knotless.root", "..")).toAbsolutePath().normalize();
        Path data = Files.createTempDirectory("knotless-system-test");
        KnotlessSystem system = KnotlessSystem.start(LauncherOptions.defaults(root).withDataDir(data).withReplicas(replicas).withFreePorts());
        System.out.printf("[measure] whole system (%d instance(s) of each service) started in %d ms (data in %s)%n", replicas,
                system.startupTime().toMillis(), data);
        return new RunningSystem(system);
    }

    String gatewayUrl() {
        return system.gatewayUrl();
    }

    /**
     * An access token for a demo account, through the auth-server's sign-in form as {@code ./knotless
     * token} gets it; the password is the one the fresh auth-server generated (or KNOTLESS_DEMO_PASSWORD).
     */
    String signIn(String username) throws Exception {
        String password = system.generatedDemoPassword().orElseGet(() -> System.getenv("KNOTLESS_DEMO_PASSWORD"));
        return new AuthorizationCodeFlow(URI.create(system.issuer())).accessToken(username, password);
    }

    /** The launcher's system itself, for what a fault test does to it (kill, restart, rebuild). */
    KnotlessSystem system() {
        return system;
    }

    /** A service's own address, behind the gateway. */
    String url(dev.knotless.launcher.Service service) {
        return system.url(service);
    }

    /** A service's management address (health, metrics), never routed by the gateway. */
    String managementUrl(dev.knotless.launcher.Service service) {
        return system.managementUrl(service);
    }

    /** The management address of instance {@code index} of a service. */
    String managementUrl(dev.knotless.launcher.Service service, int index) {
        return system.managementUrl(service, index);
    }

    /** How many instances of {@code service} run. */
    int instances(dev.knotless.launcher.Service service) {
        return system.instances(service);
    }

    /** A broker outage: the services keep running without Kafka until {@link #startBroker()}. */
    void stopBroker() {
        system.stopBroker();
    }

    void startBroker() {
        system.startBroker();
    }

    /** {@code 127.0.0.1:<port>} of the broker, for a test that sends to it or reads from it directly. */
    String kafkaBootstrapServers() {
        return system.kafkaBootstrapServers();
    }

    /** A store outage: the services keep running without their store until {@link #startStore()}. */
    void stopStore() {
        system.stopStore();
    }

    void startStore() {
        system.startStore();
    }

    /** The repository the system runs from (its built jars, the launcher's among them). */
    Path root() {
        return system.options().root();
    }

    @Override
    public void close() {
        system.close();
    }
}
