package dev.knotless.launcher;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code knotless up [options]}, {@code knotless token USERNAME [options]} and {@code knotless help}.
 * Every option can also come from an environment variable; the command line wins over the
 * environment, which wins over the default.
 */
final class CommandLine {

    sealed interface Command permits Up, Token, Help {
    }

    /** {@code token USERNAME}: the password is null when none was given (reported by {@link TokenCommand}). */
    record Token(String username, String password, URI issuer) implements Command {
    }

    record Up(LauncherOptions options) implements Command {
    }

    record Help() implements Command {
    }

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    private record Option(String flag, String variable, String value, String description) {
    }

    private static final Option DATA_DIR = new Option("--data-dir", "KNOTLESS_DATA_DIR", "DIR",
            "Kafka's log, the store file and the service logs (default ./data)");
    private static final Option GATEWAY = port("gateway", "the gateway, the public entry", 8080);
    private static final Option INTAKE = port("intake", "intake-service", 8081);
    private static final Option SESSION = port("session", "session-service", 8082);
    private static final Option OUTCOMES = port("outcomes", "outcomes-service", 8083);
    private static final Option KAFKA = port("kafka", "the Kafka broker's client listener", 9092);
    private static final Option KAFKA_CONTROLLER = port("kafka-controller", "the Kafka controller listener", 9093);
    private static final Option STORE = port("store", "the embedded store (MongoDB wire protocol)", 27017);
    private static final Option AUTH = port("auth", "the auth-server (sign-in, tokens)", 9000);
    private static final Option ROOT = new Option("--root", "KNOTLESS_ROOT", "DIR",
            "where <service>/target/<service>.jar are built (default: the repository of this jar)");
    private static final Option START_TIMEOUT = new Option("--start-timeout", "KNOTLESS_START_TIMEOUT", "SECONDS",
            "how long each service may take to become ready (default 180)");

    private static final Option BIND_ADDRESS = new Option("--bind-address", "KNOTLESS_BIND_ADDRESS", "ADDRESS",
            "where the three services and every management port listen (default 127.0.0.1; the gateway and auth-server listen on all)");

    private static final Option REPLICAS = new Option("--replicas", "KNOTLESS_REPLICAS", "N",
            "instances of each of the three services behind the gateway, 1 to " + Ports.MAX_REPLICAS
                    + " (default 1); instance i on its service's ports + " + Ports.REPLICA_OFFSET + " * i");

    private static final List<Option> OPTIONS = List.of(DATA_DIR, GATEWAY, INTAKE, SESSION, OUTCOMES, AUTH, KAFKA, KAFKA_CONTROLLER,
            STORE, ROOT, START_TIMEOUT, BIND_ADDRESS, REPLICAS);

    private CommandLine() {
    }

    /**
     * @param defaultRoot where the jars are when neither {@code --root} nor {@code KNOTLESS_ROOT} says
     * @param workingDir  what relative paths such as {@code ./data} are relative to
     */
    static Command parse(List<String> args, Map<String, String> environment, Path defaultRoot, Path workingDir) {
        if (args.isEmpty() || List.of("help", "--help", "-h").contains(args.getFirst())) {
            return new Help();
        }
        if (args.getFirst().equals("token")) {
            return token(args.subList(1, args.size()), environment);
        }
        if (!args.getFirst().equals("up")) {
            throw new UsageException("Unknown command '" + args.getFirst() + "'");
        }
        Map<Option, String> given = new HashMap<>();
        for (Option option : OPTIONS) {
            String value = environment.get(option.variable());
            if (value != null && !value.isBlank()) {
                given.put(option, value.trim());
            }
        }
        List<String> rest = args.subList(1, args.size());
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            if (List.of("help", "--help", "-h").contains(arg)) {
                return new Help();
            }
            String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            Option option = OPTIONS.stream().filter(candidate -> candidate.flag().equals(flag)).findFirst()
                    .orElseThrow(() -> new UsageException("Unknown option '" + flag + "'"));
            String value;
            if (arg.contains("=")) {
                value = arg.substring(arg.indexOf('=') + 1);
            } else if (i + 1 < rest.size()) {
                value = rest.get(++i);
            } else {
                throw new UsageException(flag + " needs a value (" + option.value() + ")");
            }
            given.put(option, value.trim());
        }

        Ports defaults = Ports.defaults();
        Ports ports;
        int replicas = number(given, REPLICAS, 1);
        if (replicas > Ports.MAX_REPLICAS) {
            throw new UsageException("--replicas needs a number from 1 to " + Ports.MAX_REPLICAS + ", not " + replicas);
        }
        try {
            ports = new Ports(
                    number(given, GATEWAY, defaults.gateway()),
                    number(given, INTAKE, defaults.intake()),
                    number(given, SESSION, defaults.session()),
                    number(given, OUTCOMES, defaults.outcomes()),
                    number(given, KAFKA, defaults.kafka()),
                    number(given, KAFKA_CONTROLLER, defaults.kafkaController()),
                    number(given, STORE, defaults.store()),
                    number(given, AUTH, defaults.auth()))
                    .withInstances(replicas);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Path root = given.containsKey(ROOT) ? workingDir.resolve(given.get(ROOT)) : defaultRoot;
        Path dataDir = workingDir.resolve(given.getOrDefault(DATA_DIR, "data"));
        Duration startTimeout = Duration.ofSeconds(number(given, START_TIMEOUT, (int) LauncherOptions.DEFAULT_START_TIMEOUT.toSeconds()));
        String bindAddress = given.getOrDefault(BIND_ADDRESS, LauncherOptions.DEFAULT_BIND_ADDRESS);
        if (bindAddress.isBlank()) {
            throw new UsageException("--bind-address needs an address of this machine such as 127.0.0.1");
        }
        return new Up(LauncherOptions.defaults(root).withDataDir(dataDir).withPorts(ports).withStartTimeout(startTimeout)
                .withBindAddress(bindAddress));
    }

    /** {@code token USERNAME [--password P] [--issuer URL]}; the password and issuer fall back to the environment. */
    private static Command token(List<String> args, Map<String, String> environment) {
        String username = null;
        String password = null;
        String issuer = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (List.of("help", "--help", "-h").contains(arg)) {
                return new Help();
            }
            String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (flag.equals("--password") || flag.equals("--issuer")) {
                String value;
                if (arg.contains("=")) {
                    value = arg.substring(arg.indexOf('=') + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new UsageException(flag + " needs a value");
                }
                if (flag.equals("--password")) {
                    password = value;
                } else {
                    issuer = value.trim();
                }
            } else if (arg.startsWith("-")) {
                throw new UsageException("Unknown option '" + flag + "' for token");
            } else if (username == null) {
                username = arg.trim();
            } else {
                throw new UsageException("token takes one username, not also '" + arg + "'");
            }
        }
        if (username == null || username.isBlank()) {
            throw new UsageException("token needs a username, e.g. ./knotless token therapist-a");
        }
        if (password == null) {
            password = firstSet(environment, "KNOTLESS_PASSWORD", "KNOTLESS_DEMO_PASSWORD");
        }
        if (issuer == null) {
            issuer = firstSet(environment, "KNOTLESS_ISSUER");
        }
        URI issuerUri;
        try {
            issuerUri = issuer == null ? TokenCommand.defaultIssuer(environment) : URI.create(issuer);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--issuer needs a URL such as http://localhost:9000, not '" + issuer + "'");
        }
        if (!"http".equals(issuerUri.getScheme()) && !"https".equals(issuerUri.getScheme()) || issuerUri.getHost() == null) {
            throw new UsageException("--issuer needs an http(s) URL such as http://localhost:9000, not '" + issuer + "'");
        }
        return new Token(username, password, issuerUri);
    }

    private static String firstSet(Map<String, String> environment, String... variables) {
        for (String variable : variables) {
            String value = environment.get(variable);
            if (value != null && !value.isEmpty()) {
                return value;
            }
        }
        return null;
    }

    static String usage() {
        StringBuilder usage = new StringBuilder("""
                Usage: ./knotless up [options]     start Knotless; Ctrl-C stops it
                       ./knotless token USERNAME [--password P] [--issuer URL]
                                                   sign in and print an access token: TOKEN=$(./knotless token therapist-a)
                       ./knotless dlt list|show|replay  the dead letters: see them (no clinical values), send them back (dlt --help)
                       ./knotless help             this text

                Starts a Kafka broker (KRaft, in the launcher's JVM), the embedded store (mongo-java-server,
                a MongoDB wire-protocol server with an H2 file backend; not MongoDB), the auth-server, the
                three services and the gateway, without Docker. Data stays in the data directory across restarts.

                token signs in through the auth-server's sign-in form (authorization code with PKCE) and prints
                only the access token. Password: --password, else KNOTLESS_PASSWORD, else KNOTLESS_DEMO_PASSWORD.
                Auth-server: --issuer, else KNOTLESS_ISSUER, else http://localhost:9000 (KNOTLESS_AUTH_PORT).

                Options of up (each also as an environment variable; the option wins):
                """);
        for (Option option : OPTIONS) {
            usage.append(String.format("  %-31s %-31s %s%n", option.flag() + " " + option.value(), option.variable(), option.description()));
        }
        usage.append("  -h, --help\n");
        return usage.toString();
    }

    private static Option port(String name, String what, int byDefault) {
        return new Option("--" + name + "-port", "KNOTLESS_" + name.toUpperCase().replace('-', '_') + "_PORT", "PORT",
                what + " (default " + byDefault + ")");
    }

    private static int number(Map<Option, String> given, Option option, int byDefault) {
        String value = given.get(option);
        if (value == null) {
            return byDefault;
        }
        try {
            int number = Integer.parseInt(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new UsageException(option.flag() + " needs a positive whole number, not '" + value + "'");
    }
}
