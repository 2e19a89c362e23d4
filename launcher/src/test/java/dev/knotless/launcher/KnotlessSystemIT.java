package dev.knotless.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The orchestration with stand-in service jars ({@link FakeService}) and the real broker and store. */
class KnotlessSystemIT {

    @TempDir
    Path root;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void buildFakeServiceJars() throws IOException {
        Path jar = FakeService.writeJar(root.resolve("fake.jar"));
        for (Service service : Service.values()) {
            Files.createDirectories(service.jar(root).getParent());
            Files.copy(jar, service.jar(root));
        }
    }

    @Test
    void startsEverythingWiredTogetherAndStopsEverything() throws Exception {
        LauncherOptions options = LauncherOptions.defaults(root).withFreePorts().withStartTimeout(Duration.ofSeconds(90));
        Ports ports = options.ports();
        List<ProcessHandle> children = new ArrayList<>();

        try (KnotlessSystem system = KnotlessSystem.start(options)) {
            assertThat(system.gatewayUrl()).isEqualTo("http://localhost:" + ports.gateway());
            assertThat(system.kafkaBootstrapServers()).isEqualTo("127.0.0.1:" + ports.kafka());
            assertThat(system.storeUri()).isEqualTo("mongodb://127.0.0.1:" + ports.store());
            assertThat(system.startupTime()).isPositive();

            assertThat(environmentOf(system, Service.INTAKE))
                    .contains("SERVER_PORT=" + ports.intake(), "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:" + ports.kafka(),
                            "MONGODB_URI=mongodb://127.0.0.1:" + ports.store() + "/knotless-intake");
            assertThat(environmentOf(system, Service.SESSION)).contains("MONGODB_URI=mongodb://127.0.0.1:" + ports.store() + "/knotless-session");
            assertThat(environmentOf(system, Service.OUTCOMES))
                    .contains("MONGODB_URI=mongodb://127.0.0.1:" + ports.store() + "/knotless-outcomes",
                            "SURVEY_BASE_URL=http://localhost:" + ports.gateway());
            assertThat(environmentOf(system, Service.GATEWAY))
                    .contains("SERVER_PORT=" + ports.gateway(),
                            "INTAKE_SERVICE_URL=http://127.0.0.1:" + ports.intake(),
                            "SESSION_SERVICE_URL=http://127.0.0.1:" + ports.session(),
                            "OUTCOMES_SERVICE_URL=http://127.0.0.1:" + ports.outcomes());

            assertThat(environmentOf(system, Service.AUTH))
                    .contains("SERVER_PORT=" + ports.auth(),
                            "MONGODB_URI=mongodb://127.0.0.1:" + ports.store() + "/knotless-auth",
                            "KNOTLESS_AUTH_ISSUER=http://localhost:" + ports.auth(),
                            "KNOTLESS_AUTH_KEYS_DIR=" + root.resolve("data/auth-keys"),
                            "KNOTLESS_DEMO_ACCOUNTS=true",
                            "KNOTLESS_GATEWAY_REDIRECT_URI=http://localhost:" + ports.gateway() + "/login/oauth2/code/knotless");
            assertThat(system.issuer()).isEqualTo("http://localhost:" + ports.auth());
            String secret = environmentOf(system, Service.AUTH).stream().filter(line -> line.startsWith("KNOTLESS_GATEWAY_CLIENT_SECRET="))
                    .findFirst().orElseThrow();
            assertThat(secret).hasSizeGreaterThan("KNOTLESS_GATEWAY_CLIENT_SECRET=".length() + 30);
            assertThat(environmentOf(system, Service.GATEWAY)).contains(secret, "KNOTLESS_AUTH_ISSUER=http://localhost:" + ports.auth());
            assertThat(environmentOf(system, Service.INTAKE)).contains("KNOTLESS_AUTH_ISSUER=http://localhost:" + ports.auth())
                    .noneMatch(line -> line.startsWith("KNOTLESS_GATEWAY_CLIENT_SECRET="));

            for (Service service : Service.values()) {
                assertThat(environmentOf(system, service)).as(service.serviceName())
                        .contains("MANAGEMENT_PORT=" + ports.managementOf(service), "MANAGEMENT_SERVER_ADDRESS=127.0.0.1");
                assertThat(ports.managementOf(service)).isNotEqualTo(ports.of(service));
            }
            for (Service service : Service.BEHIND_GATEWAY) {
                assertThat(environmentOf(system, service)).contains("SERVER_ADDRESS=127.0.0.1");
            }
            assertThat(environmentOf(system, Service.GATEWAY)).noneMatch(line -> line.startsWith("SERVER_ADDRESS="));
            assertThat(environmentOf(system, Service.AUTH)).noneMatch(line -> line.startsWith("SERVER_ADDRESS="));

            assertThat(system.generatedDemoPassword()).contains("fake-generated-password");
            assertThat(Files.readString(system.logFile(Service.AUTH))).as("shown on the console, not logged")
                    .doesNotContain("fake-generated-password").contains(DemoPassword.LINE);
            assertThat(startOf(system, Service.GATEWAY)).as("the gateway last, once the auth-server and the services are ready")
                    .isAfter(startOf(system, Service.AUTH)).isAfter(startOf(system, Service.INTAKE));

            for (Service service : Service.values()) {
                children.add(ProcessHandle.of(system.pid(service)).orElseThrow());
                assertThat(system.logFile(service)).isEqualTo(root.resolve("data/logs/" + service.serviceName() + ".log"));
                assertThat(Files.readString(system.logFile(service))).contains("up on port " + ports.of(service));
            }
            assertThat(Files.readString(root.resolve("data/knotless.pids")))
                    .contains(ProcessHandle.current().pid() + " launcher", system.pid(Service.GATEWAY) + " gateway");
        }

        assertThat(children).noneMatch(ProcessHandle::isAlive);
        assertThat(ports.byName().values()).allMatch(KnotlessSystemIT::isFree);
        assertThat(root.resolve("data/knotless.pids")).doesNotExist();
        assertThat(root.resolve("data/store.mv.db")).exists();
        assertThat(root.resolve("data/kafka/meta.properties")).exists();
        for (Service service : Service.values()) {
            assertThat(Files.readString(root.resolve("data/logs/" + service.serviceName() + ".log"))).contains("stopping on SIGTERM");
        }
    }

    @Test
    void onlyTheGatewayAndTheAuthServerAreReachableOnANonLoopbackAddress() throws Exception {
        Optional<InetAddress> external = nonLoopbackAddress();
        Assumptions.assumeTrue(external.isPresent(), "SKIPPED: this machine has no non-loopback address to connect to");
        LauncherOptions options = LauncherOptions.defaults(root).withFreePorts().withStartTimeout(Duration.ofSeconds(90));
        Ports ports = options.ports();

        try (KnotlessSystem system = KnotlessSystem.start(options)) {
            InetAddress address = external.get();
            assertThat(connects(address, ports.gateway())).as("the gateway, on " + address).isTrue();
            assertThat(connects(address, ports.auth())).as("the auth-server, on " + address).isTrue();
            for (Service service : Service.BEHIND_GATEWAY) {
                assertThat(connects(address, ports.of(service))).as(service + " on " + address).isFalse();
                assertThat(connects(InetAddress.getLoopbackAddress(), ports.of(service))).as(service + " on loopback").isTrue();
            }
            for (Service service : Service.values()) {
                assertThat(connects(address, ports.managementOf(service))).as(service + "'s management port on " + address).isFalse();
                assertThat(connects(InetAddress.getLoopbackAddress(), ports.managementOf(service))).as(service + "'s management port on loopback").isTrue();
            }
        }
    }

    /** An address of this machine other than loopback (IPv4 first), if it has one that is up. */
    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(networkInterface -> {
                    try {
                        return networkInterface.isUp() && !networkInterface.isLoopback();
                    } catch (SocketException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> !address.isLoopbackAddress() && !address.isLinkLocalAddress())
                .sorted(java.util.Comparator.comparing(address -> address instanceof java.net.Inet4Address ? 0 : 1))
                .findFirst();
    }

    private static boolean connects(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    @Test
    void whenAServiceFailsToStartTheErrorNamesItAndNothingIsLeftRunning() throws IOException {
        Files.writeString(Service.SESSION.jar(root), "not a jar");
        LauncherOptions options = LauncherOptions.defaults(root).withFreePorts().withStartTimeout(Duration.ofSeconds(90));

        assertThatThrownBy(() -> KnotlessSystem.start(options))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("session-service stopped with exit code 1 while starting")
                .hasMessageContaining("Invalid or corrupt jarfile");

        assertThat(options.ports().byName().values()).allMatch(KnotlessSystemIT::isFree);
        assertThat(ProcessHandle.current().children()).noneMatch(child -> child.info().commandLine()
                .filter(command -> command.contains(root.toString())).isPresent());
    }

    private List<String> environmentOf(KnotlessSystem system, Service service) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(system.url(service) + "/env")).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body().lines().toList();
    }

    private static java.time.Instant startOf(KnotlessSystem system, Service service) {
        return ProcessHandle.of(system.pid(service)).orElseThrow().info().startInstant().orElseThrow();
    }

    private static boolean isFree(int port) {
        try (ServerSocket ignored = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
