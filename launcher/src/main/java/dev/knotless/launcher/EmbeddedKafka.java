package dev.knotless.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker, Kafka's own server code, running in this JVM: one node in KRaft combined
 * mode (broker and controller), a PLAINTEXT listener for clients and a CONTROLLER listener, both
 * on 127.0.0.1. Its log directory is formatted on the first start only, so topics, records and
 * consumer offsets survive a restart.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private boolean stopped;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Starts the broker with its data in {@code <dataDir>/kafka} and returns once it takes
     * requests.
     */
    public static EmbeddedKafka start(Path dataDir, int port, int controllerPort) {
        Path logDir = dataDir.resolve("kafka").toAbsolutePath();
        KafkaConfig config = new KafkaConfig(properties(logDir, port, controllerPort), false);
        keepKafkaFromEndingThisJvm();
        try {
            Files.createDirectories(logDir);
            if (Files.notExists(logDir.resolve("meta.properties"))) {
                format(logDir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the Kafka log directory " + logDir, e);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        String bootstrapServers = "127.0.0.1:" + port;
        try {
            server.startup();
            awaitReady(bootstrapServers);
        } catch (RuntimeException e) {
            stop(server);
            throw e;
        }
        log.debug("Kafka broker ready on {} with data in {}", bootstrapServers, logDir);
        return new EmbeddedKafka(server, bootstrapServers);
    }

    /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Stops the broker cleanly (it flushes its logs and writes a clean-shutdown marker). */
    @Override
    public synchronized void close() {
        if (!stopped) {
            stopped = true;
            stop(server);
        }
    }

    static Map<String, Object> properties(Path logDir, int port, int controllerPort) {
        Map<String, Object> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("auto.create.topics.enable", "false");
        // One node: every internal topic with a single replica.
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        // A development broker: fewer consumer-offset partitions to create, no wait before the first rebalance.
        props.put("offsets.topic.num.partitions", "10");
        props.put("group.initial.rebalance.delay.ms", "0");
        return props;
    }

    private static void format(Path logDir) {
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream())) {
            new Formatter()
                    .setPrintStream(quiet)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .addDirectory(logDir.toString())
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .run();
            log.debug("Formatted the Kafka log directory {}", logDir);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format the Kafka log directory " + logDir, e);
        }
    }

    /** Waits until the broker answers a client: registered, unfenced, listener open. */
    private static void awaitReady(String bootstrapServers) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        admin.listTopics().names().get(5, TimeUnit.SECONDS);
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new LaunchException("The Kafka broker on " + bootstrapServers + " did not become ready within "
                                + READY_TIMEOUT.toSeconds() + " s", e);
                    }
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("Interrupted while waiting for the Kafka broker", e);
        }
    }

    private static void stop(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("The Kafka broker did not stop cleanly: {}", e.toString());
        }
    }

    /**
     * Kafka ends the JVM on a fatal error ({@code Exit.halt}), which here would also skip stopping
     * the service processes. Turn that into an orderly exit that runs the shutdown hooks.
     */
    private static synchronized void keepKafkaFromEndingThisJvm() {
        Exit.setHaltProcedure((status, message) -> orderlyExit("halt", status, message));
        Exit.setExitProcedure((status, message) -> orderlyExit("exit", status, message));
    }

    private static void orderlyExit(String what, int status, String message) {
        log.error("The Kafka broker asked to {} the JVM with status {}: {}. Stopping Knotless.", what, status, message);
        Thread exit = new Thread(() -> System.exit(status == 0 ? 1 : status), "kafka-fatal-exit");
        exit.setDaemon(true);
        exit.start();
        throw new IllegalStateException("Kafka broker failed fatally: " + message);
    }
}
