package dev.knotless.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.knotless.launcher.CommandLine.Help;
import dev.knotless.launcher.CommandLine.Up;
import dev.knotless.launcher.CommandLine.UsageException;
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
        assertThat(options.ports()).isEqualTo(new Ports(8080, 8081, 8082, 8083, 9092, 9093, 27017));
        assertThat(options.dataDir()).isEqualTo(HERE.resolve("data"));
        assertThat(options.root()).isEqualTo(ROOT);
        assertThat(options.java()).isEqualTo(LauncherOptions.currentJava());
        assertThat(options.startTimeout()).isEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void everyOptionIsReadInBothSpellings() {
        LauncherOptions options = up(Map.of(), "up", "--data-dir", "/var/knotless", "--gateway-port=9080", "--intake-port", "9081",
                "--session-port", "9082", "--outcomes-port=9083", "--kafka-port", "19092", "--kafka-controller-port", "19093",
                "--store-port", "37017", "--root", "/elsewhere", "--start-timeout", "60");

        assertThat(options.ports()).isEqualTo(new Ports(9080, 9081, 9082, 9083, 19092, 19093, 37017));
        assertThat(options.dataDir()).isEqualTo(Path.of("/var/knotless"));
        assertThat(options.root()).isEqualTo(Path.of("/elsewhere"));
        assertThat(options.startTimeout()).isEqualTo(Duration.ofSeconds(60));
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
                "--kafka-controller-port", "KNOTLESS_KAFKA_CONTROLLER_PORT", "--store-port", "not MongoDB");
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

    private static LauncherOptions up(Map<String, String> environment, String... args) {
        return ((Up) CommandLine.parse(List.of(args), environment, ROOT, HERE)).options();
    }
}
