package dev.knotless.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.knotless.launcher.CommandLine.Help;
import dev.knotless.launcher.CommandLine.Token;
import dev.knotless.launcher.CommandLine.Up;
import dev.knotless.launcher.CommandLine.UsageException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    private static final Path ROOT = Path.of("/repo");
    private static final Path HERE = Path.of("/home/therapist/work");

    @Test
    void upWithoutOptionsUsesTheDefaults() {
        LauncherOptions options = up(Map.of(), "up");

        assertThat(options.ports()).isEqualTo(Ports.defaults());
        assertThat(options.ports()).isEqualTo(new Ports(8080, 8081, 8082, 8083, 9092, 9093, 27017, 9000));
        assertThat(options.dataDir()).isEqualTo(HERE.resolve("data"));
        assertThat(options.root()).isEqualTo(ROOT);
        assertThat(options.java()).isEqualTo(LauncherOptions.currentJava());
        assertThat(options.startTimeout()).isEqualTo(Duration.ofMinutes(3));
        assertThat(options.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(options.ports().managementOf(Service.GATEWAY)).isEqualTo(9080);
        assertThat(options.ports().managementOf(Service.AUTH)).isEqualTo(10000);
    }

    @Test
    void everyOptionIsReadInBothSpellings() {
        LauncherOptions options = up(Map.of(), "up", "--data-dir", "/var/knotless", "--gateway-port=9080", "--intake-port", "9081",
                "--session-port", "9082", "--outcomes-port=9083", "--kafka-port", "19092", "--kafka-controller-port", "19093",
                "--store-port", "37017", "--auth-port", "19000", "--root", "/elsewhere", "--start-timeout", "60", "--bind-address", "0.0.0.0");

        assertThat(options.ports()).isEqualTo(new Ports(9080, 9081, 9082, 9083, 19092, 19093, 37017, 19000));
        assertThat(options.dataDir()).isEqualTo(Path.of("/var/knotless"));
        assertThat(options.root()).isEqualTo(Path.of("/elsewhere"));
        assertThat(options.startTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(options.bindAddress()).isEqualTo("0.0.0.0");
        assertThat(options.serviceHost()).as("a wildcard is reached on loopback").isEqualTo("127.0.0.1");
    }

    @Test
    void environmentVariablesApplyAndTheCommandLineWins() {
        LauncherOptions options = up(Map.of("KNOTLESS_DATA_DIR", "/from/env", "KNOTLESS_GATEWAY_PORT", "7070",
                "KNOTLESS_STORE_PORT", "27018", "KNOTLESS_KAFKA_CONTROLLER_PORT", "7093"), "up", "--gateway-port", "6060");

        assertThat(options.dataDir()).isEqualTo(Path.of("/from/env"));
        assertThat(options.ports().gateway()).isEqualTo(6060);
        assertThat(options.ports().store()).isEqualTo(27018);
        assertThat(options.ports().kafkaController()).isEqualTo(7093);
    }

    @Test
    void replicasRunMoreInstancesOfTheServicesBehindTheGatewayOnPortsAHundredApart() {
        LauncherOptions options = up(Map.of(), "up", "--replicas", "3");

        Ports ports = options.ports();
        assertThat(options.instances()).isEqualTo(3);
        assertThat(ports.instancesOf(Service.GATEWAY)).isEqualTo(1);
        assertThat(ports.instancesOf(Service.AUTH)).isEqualTo(1);
        assertThat(ports.of(Service.INTAKE, 0)).isEqualTo(8081);
        assertThat(ports.of(Service.INTAKE, 1)).isEqualTo(8181);
        assertThat(ports.of(Service.OUTCOMES, 2)).isEqualTo(8283);
        assertThat(ports.managementOf(Service.SESSION, 1)).isEqualTo(9182);
        assertThat(ports.managementOf(Service.SESSION, 0)).isEqualTo(9082);
        assertThat(ports.byName()).containsEntry("session-service-2", 8282).containsEntry("session-service-2 management", 9282)
                .hasSize(13 + 2 * 2 * 3);
        assertThatThrownBy(() -> ports.of(Service.INTAKE, 3)).hasMessageContaining("no instance 3");
    }

    @Test
    void oneReplicaIsTheSystemAsBeforeAndTheEnvironmentMayAskForMore() {
        assertThat(up(Map.of(), "up", "--replicas=1").ports()).isEqualTo(Ports.defaults());
        assertThat(up(Map.of("KNOTLESS_REPLICAS", "2"), "up").instances()).isEqualTo(2);
        assertThat(up(Map.of("KNOTLESS_REPLICAS", "2"), "up", "--replicas", "1").instances()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "10", "two", "-1"})
    void aReplicaCountOutsideOneToNineIsRefused(String count) {
        assertThatThrownBy(() -> up(Map.of(), "up", "--replicas", count))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--replicas");
    }

    @Test
    void freePortsCoverEveryInstance() {
        Ports ports = LauncherOptions.defaults(ROOT).withReplicas(2).withFreePorts().ports();

        assertThat(ports.instances()).isEqualTo(2);
        assertThat(ports.byName()).hasSize(13 + 2 * 3);
        assertThat(ports.of(Service.SESSION, 1)).isNotEqualTo(ports.of(Service.SESSION) + Ports.REPLICA_OFFSET);
    }

    @Test
    void aReplicaPortTakenByAnotherPartIsRefused() {
        // session-service's second instance would be on 8182, the gateway's port here.
        assertThatThrownBy(() -> up(Map.of(), "up", "--replicas", "2", "--gateway-port", "8182"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("8182");
    }

    @Test
    void aRelativeDataDirectoryIsRelativeToTheWorkingDirectory() {
        assertThat(up(Map.of(), "up", "--data-dir", "tmp/../other").dataDir()).isEqualTo(HERE.resolve("other"));
    }

    @Test
    void portsMaySwapWithoutATransientClash() {
        assertThat(up(Map.of(), "up", "--gateway-port", "8081", "--intake-port", "8080").ports().gateway()).isEqualTo(8081);
    }

    @ParameterizedTest
    @ValueSource(strings = {"help", "--help", "-h"})
    void helpIsAskedForInTheUsualWays(String word) {
        assertThat(CommandLine.parse(List.of(word), Map.of(), ROOT, HERE)).isInstanceOf(Help.class);
        assertThat(CommandLine.parse(List.of("up", word), Map.of(), ROOT, HERE)).isInstanceOf(Help.class);
    }

    @Test
    void theUsageNamesEveryOptionAndItsVariable() {
        assertThat(CommandLine.usage()).contains("--data-dir", "KNOTLESS_DATA_DIR", "--gateway-port", "KNOTLESS_GATEWAY_PORT",
                "--kafka-controller-port", "KNOTLESS_KAFKA_CONTROLLER_PORT", "--store-port", "not MongoDB", "--auth-port", "KNOTLESS_AUTH_PORT",
                "./knotless token USERNAME", "KNOTLESS_PASSWORD", "KNOTLESS_DEMO_PASSWORD", "KNOTLESS_ISSUER");
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> up(Map.of(), "down")).isInstanceOf(UsageException.class).hasMessage("Unknown command 'down'");
        assertThatThrownBy(() -> up(Map.of(), "up", "--port", "1")).hasMessage("Unknown option '--port'");
        assertThatThrownBy(() -> up(Map.of(), "up", "--data-dir")).hasMessage("--data-dir needs a value (DIR)");
        assertThatThrownBy(() -> up(Map.of(), "up", "--gateway-port", "http")).hasMessage("--gateway-port needs a positive whole number, not 'http'");
        assertThatThrownBy(() -> up(Map.of("KNOTLESS_STORE_PORT", "-1"), "up")).hasMessage("--store-port needs a positive whole number, not '-1'");
        assertThatThrownBy(() -> up(Map.of(), "up", "--gateway-port", "70000")).hasMessageContaining("between 1 and 65535");
        assertThatThrownBy(() -> up(Map.of(), "up", "--gateway-port", "8081")).hasMessage("Port 8081 is given twice; every part needs its own port");
    }

    @Test
    void tokenTakesAUsernameAndThePasswordFromTheOptionOrTheEnvironment() {
        assertThat(CommandLine.parse(List.of("token", "therapist-a"), Map.of(), ROOT, HERE))
                .isEqualTo(new Token("therapist-a", null, URI.create("http://localhost:9000")));
        assertThat(CommandLine.parse(List.of("token", "therapist-a", "--password", "from-option"),
                Map.of("KNOTLESS_PASSWORD", "from-env", "KNOTLESS_DEMO_PASSWORD", "demo"), ROOT, HERE))
                .isEqualTo(new Token("therapist-a", "from-option", URI.create("http://localhost:9000")));
        assertThat(CommandLine.parse(List.of("token", "admin-a"), Map.of("KNOTLESS_PASSWORD", "from-env", "KNOTLESS_DEMO_PASSWORD", "demo"),
                ROOT, HERE)).extracting("password").isEqualTo("from-env");
        assertThat(CommandLine.parse(List.of("token", "admin-a"), Map.of("KNOTLESS_DEMO_PASSWORD", "demo"), ROOT, HERE))
                .extracting("password").isEqualTo("demo");
    }

    @Test
    void tokenAsksTheIssuerFromTheOptionTheEnvironmentOrTheAuthPort() {
        assertThat(token(Map.of("KNOTLESS_ISSUER", "http://auth.example:9100"), "token", "operator", "--issuer=https://auth.example/")
                .issuer()).isEqualTo(URI.create("https://auth.example/"));
        assertThat(token(Map.of("KNOTLESS_ISSUER", "http://auth.example:9100", "KNOTLESS_AUTH_PORT", "9300"), "token", "operator")
                .issuer()).isEqualTo(URI.create("http://auth.example:9100"));
        assertThat(token(Map.of("KNOTLESS_AUTH_PORT", "9300"), "token", "operator").issuer()).isEqualTo(URI.create("http://localhost:9300"));
    }

    @Test
    void tokenMistakesAreNamed() {
        assertThatThrownBy(() -> token(Map.of(), "token")).isInstanceOf(UsageException.class).hasMessageContaining("needs a username");
        assertThatThrownBy(() -> token(Map.of(), "token", "a", "b")).hasMessageContaining("one username");
        assertThatThrownBy(() -> token(Map.of(), "token", "a", "--password")).hasMessage("--password needs a value");
        assertThatThrownBy(() -> token(Map.of(), "token", "a", "--user", "x")).hasMessageContaining("Unknown option '--user'");
        assertThatThrownBy(() -> token(Map.of(), "token", "a", "--issuer", "localhost:9000")).hasMessageContaining("http(s) URL");
    }

    @Test
    void tokenWithoutAPasswordExitsWith2AndSaysWhereOneComesFrom() {
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        int exit = TokenCommand.run(token(Map.of(), "token", "therapist-a"), new java.io.PrintStream(out), new java.io.PrintStream(err));
        assertThat(exit).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("no password", "--password", "KNOTLESS_PASSWORD", "KNOTLESS_DEMO_PASSWORD");
    }

    @Test
    void tokenAgainstNoAuthServerSaysWhereItLooked() throws Exception {
        int port;
        try (var probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        var err = new java.io.ByteArrayOutputStream();
        int exit = TokenCommand.run(token(Map.of(), "token", "therapist-a", "--password", "x", "--issuer", "http://127.0.0.1:" + port),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream()), new java.io.PrintStream(err));
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("cannot reach the auth-server at http://127.0.0.1:" + port);
    }

    private static Token token(Map<String, String> environment, String... args) {
        return (Token) CommandLine.parse(List.of(args), environment, ROOT, HERE);
    }

    private static LauncherOptions up(Map<String, String> environment, String... args) {
        return ((Up) CommandLine.parse(List.of(args), environment, ROOT, HERE)).options();
    }
}
