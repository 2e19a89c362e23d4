package dev.knotless.launcher;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.KafkaException;

/**
 * {@code ./knotless dlt list [--topic T] [--limit N] | show TOPIC/PARTITION/OFFSET | replay TOPIC/PARTITION/OFFSET | replay --all [--topic T]},
 * each with {@code [--bootstrap-servers HOST:PORT]} (else {@code KNOTLESS_KAFKA_BOOTSTRAP_SERVERS},
 * else {@code localhost:<KNOTLESS_KAFKA_PORT or 9092>}, the broker of a running {@code ./knotless up}).
 * Exit status 0 when done, 1 when the broker or the letter could not be read, 2 for a usage error.
 */
final class DeadLetterCommand {

    static final String USAGE = """
            Usage: ./knotless dlt list [--topic TOPIC] [--limit N]      the dead letters of every <topic>-dlt (first 100 of each)
                   ./knotless dlt show TOPIC-dlt/PARTITION/OFFSET       one letter: origin, cause, envelope (no clinical values)
                   ./knotless dlt replay TOPIC-dlt/PARTITION/OFFSET     send it back to its topic
                   ./knotless dlt replay --all [--topic TOPIC]          send every dead letter back, in order
              --bootstrap-servers HOST:PORT   the broker (default KNOTLESS_KAFKA_BOOTSTRAP_SERVERS, else localhost:KNOTLESS_KAFKA_PORT or 9092)
            Replaying is safe: each service applies an event at most once, and a message that fails again is dead-lettered again.
            """;

    private DeadLetterCommand() {
    }

    static int run(List<String> args, Map<String, String> environment, PrintStream out, PrintStream err) {
        String action = null;
        String coordinates = null;
        String topic = null;
        String bootstrap = null;
        boolean all = false;
        int limit = 100;
        List<String> rest = new ArrayList<>(args);
        try {
            for (int i = 0; i < rest.size(); i++) {
                String arg = rest.get(i);
                switch (arg) {
                    case "help", "--help", "-h" -> {
                        out.print(USAGE);
                        return 0;
                    }
                    case "--all" -> all = true;
                    case "--topic" -> topic = value(rest, ++i, arg);
                    case "--bootstrap-servers" -> bootstrap = value(rest, ++i, arg);
                    case "--limit" -> limit = positive(value(rest, ++i, arg));
                    default -> {
                        if (arg.startsWith("-")) {
                            throw new IllegalArgumentException("Unknown option '" + arg + "' for dlt");
                        } else if (action == null) {
                            action = arg;
                        } else if (coordinates == null) {
                            coordinates = arg;
                        } else {
                            throw new IllegalArgumentException("Too many arguments: '" + arg + "'");
                        }
                    }
                }
            }
            if (action == null || !List.of("list", "show", "replay").contains(action)) {
                throw new IllegalArgumentException(action == null ? "dlt needs list, show or replay" : "Unknown dlt command '" + action + "'");
            }
            if (action.equals("show") && coordinates == null) {
                throw new IllegalArgumentException("dlt show needs TOPIC-dlt/PARTITION/OFFSET, as dlt list prints them");
            }
            if (action.equals("replay") && (coordinates == null) == !all) {
                throw new IllegalArgumentException("dlt replay needs either TOPIC-dlt/PARTITION/OFFSET or --all");
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println();
            err.print(USAGE);
            return 2;
        }
        if (bootstrap == null) {
            bootstrap = Optional.ofNullable(environment.get("KNOTLESS_KAFKA_BOOTSTRAP_SERVERS")).filter(value -> !value.isBlank())
                    .orElse("localhost:" + Optional.ofNullable(environment.get("KNOTLESS_KAFKA_PORT")).filter(value -> !value.isBlank()).orElse("9092"));
        }
        try (DeadLetters letters = new DeadLetters(bootstrap)) {
            switch (action) {
                case "list" -> DeadLetters.printList(letters.list(Optional.ofNullable(topic), limit), out);
                case "show" -> {
                    Optional<DeadLetters.Letter> letter = letters.show(coordinates);
                    if (letter.isEmpty()) {
                        err.println("No dead letter at " + coordinates + " (./knotless dlt list shows them)");
                        return 1;
                    }
                    DeadLetters.printLetter(letter.get(), out);
                }
                default -> {
                    List<String> sent = all ? letters.replayAll(Optional.ofNullable(topic)) : List.of(letters.replay(coordinates));
                    sent.forEach(line -> out.println("replayed " + line));
                    out.println(sent.size() + " replayed.");
                }
            }
            return 0;
        } catch (IllegalArgumentException | IllegalStateException | KafkaException e) {
            err.println("dlt " + action + ": " + e.getMessage() + " (broker " + bootstrap + ")");
            return 1;
        }
    }

    private static String value(List<String> args, int index, String flag) {
        if (index >= args.size()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args.get(index);
    }

    private static int positive(String text) {
        try {
            int value = Integer.parseInt(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("--limit needs a positive number, not '" + text + "'");
    }
}
