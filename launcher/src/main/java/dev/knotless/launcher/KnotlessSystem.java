package dev.knotless.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole of Knotless on this machine, without Docker: a Kafka broker and the embedded store
 * in this JVM, then the auth-server, the three services (started together) and the gateway as
 * child processes.
 * {@link #close()} stops everything in reverse order; data stays in the data directory.
 *
 * <pre>{@code
 * try (KnotlessSystem knotless = KnotlessSystem.start(
 *         LauncherOptions.defaults(repositoryRoot).withDataDir(temporaryFolder).withFreePorts())) {
 *     String api = knotless.gatewayUrl() + "/api";
 *     ...
 * }
 * }</pre>
 *
 * The service jars must be built first ({@code ./mvnw -DskipTests install}, or {@code ./knotless up}).
 *
 * <p>With {@link LauncherOptions#withReplicas} ({@code --replicas N}) each service behind the gateway
 * runs as N processes on one database and one consumer group, each with its own ports and log file;
 * the gateway balances across them. The methods that take a {@link Service} alone mean instance 0.
 */
public final class KnotlessSystem implements AutoCloseable {

    /** One process: instance {@code index} of {@code service} (0 for the gateway and the auth-server). */
    public record Instance(Service service, int index) {
        @Override
        public String toString() {
            return Service.instanceName(service, index);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(KnotlessSystem.class);
    private static final String PID_FILE = "knotless.pids";
    private static final Duration GRACE = Duration.ofSeconds(30);
    /** {@code knotless.messaging.partitions} of the services when not set: enough for three instances of each. */
    private static final int DEFAULT_PARTITIONS = 3;
    // launcher-watch notices a gone launcher within 5 s, and a graceful stop takes a few more.
    private static final Duration ORPHAN_GRACE = Duration.ofSeconds(15);
    /** For the few parallel steps (start the broker, await a service, stop one): mostly waiting, so one daemon thread each. */
    private static final Executor WAITER = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "knotless-launcher");
        thread.setDaemon(true);
        return thread;
    });

    private final LauncherOptions options;
    private final long started = System.nanoTime();
    /** By instance, in start order (the auth-server and instance 0 of each service first, the gateway last). */
    private final Map<Instance, ServiceProcess> processes = new LinkedHashMap<>();
    private final Map<Service, RunnableJar> runnable = new EnumMap<>(Service.class);
    private volatile String generatedDemoPassword;
    private final String gatewayClientSecret;
    private EmbeddedKafka kafka;
    private boolean brokerStopped;
    private EmbeddedStore store;
    private boolean storeStopped;
    private Duration startupTime;
    private volatile boolean closing;

    private KnotlessSystem(LauncherOptions options) {
        this.options = options;
        String configured = System.getenv("KNOTLESS_GATEWAY_CLIENT_SECRET");
        // One per start unless given: only the auth-server and the gateway of this start need to share it.
        this.gatewayClientSecret = configured != null && !configured.isBlank() ? configured : randomSecret();
    }

    private static String randomSecret() {
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /**
     * Starts everything and returns once the auth-server, the three services and the gateway report ready.
     *
     * @throws LaunchException when a jar is missing, a port is taken, or a part fails to start
     *                         (with the end of its log); whatever had started is stopped again
     */
    public static KnotlessSystem start(LauncherOptions options) {
        return start(options, system -> { });
    }

    /** As {@link #start(LauncherOptions)}, handing out the system before it starts so that a shutdown hook can stop a half-started one. */
    static KnotlessSystem start(LauncherOptions options, Consumer<KnotlessSystem> beforeStart) {
        preflight(options);
        KnotlessSystem system = new KnotlessSystem(options);
        beforeStart.accept(system);
        try {
            system.writePidFile(); // the launcher's own, at once: a second start on this data refuses

            system.prepareJars();
            system.startInfrastructure();
            // The auth-server with the services: they fetch its keys with the first token, not at start.
            system.startServices(Stream.concat(Stream.of(Service.AUTH), Service.BEHIND_GATEWAY.stream()).toList());
            system.takeGeneratedDemoPassword();
            system.startServices(List.of(Service.GATEWAY));
            system.startupTime = Duration.ofNanos(System.nanoTime() - system.started);
            system.writePidFile();
            system.watchForUnexpectedExits();
            return system;
        } catch (RuntimeException e) {
            system.close();
            throw e;
        }
    }

    /** {@code http://localhost:<gateway port>}: the one public entry, the API is under /api. */
    public String gatewayUrl() {
        return url(Service.GATEWAY);
    }

    /** {@code http://localhost:<auth port>}: the auth-server, the issuer of the tokens (the {@code iss} claim). */
    public String issuer() {
        return url(Service.AUTH);
    }

    /** The demo password the auth-server generated at this start (its first, without KNOTLESS_DEMO_PASSWORD), else empty. */
    public java.util.Optional<String> generatedDemoPassword() {
        return java.util.Optional.ofNullable(generatedDemoPassword);
    }

    /**
     * {@code http://localhost:<port>} of the gateway or the auth-server, {@code http://<bind address>:<port>}
     * of a service behind the gateway: its API (which checks tokens), not its actuator endpoints
     * (see {@link #managementUrl}).
     */
    public String url(Service service) {
        return url(service, 0);
    }

    /** As {@link #url(Service)}, of instance {@code index} (0 to {@link #instances(Service)} - 1). */
    public String url(Service service, int index) {
        return "http://" + (Service.BEHIND_GATEWAY.contains(service) ? options.serviceHost() : "localhost") + ":" + options.ports().of(service, index);
    }

    /** {@code http://<bind address>:<management port>} of one service: {@code /actuator/health}, {@code /actuator/prometheus}. */
    public String managementUrl(Service service) {
        return managementUrl(service, 0);
    }

    /** As {@link #managementUrl(Service)}, of instance {@code index}. */
    public String managementUrl(Service service, int index) {
        return "http://" + options.serviceHost() + ":" + options.ports().managementOf(service, index);
    }

    /** How many instances of {@code service} run: the {@code --replicas} count behind the gateway, one gateway and one auth-server. */
    public int instances(Service service) {
        return options.ports().instancesOf(service);
    }

    /** Every instance of {@code service}, 0 first. */
    public List<Instance> instancesOf(Service service) {
        return java.util.stream.IntStream.range(0, instances(service)).mapToObj(index -> new Instance(service, index)).toList();
    }

    /** Where the launcher reaches a service: the gateway and the auth-server listen on every interface, the others on the bind address. */
    private String hostOf(Service service) {
        return options.serviceHost();
    }

    /** {@code 127.0.0.1:<kafka port>} */
    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** {@code mongodb://127.0.0.1:<store port>}: mongo-java-server, a MongoDB wire-protocol server (not MongoDB). */
    public String storeUri() {
        return store.connectionString();
    }

    public Path storeFile() {
        return store.file();
    }

    public LauncherOptions options() {
        return options;
    }

    /** From the call to {@link #start} until everything was ready. */
    public Duration startupTime() {
        return startupTime;
    }

    /** The process id of a running service, e.g. to measure its memory. */
    public long pid(Service service) {
        return pid(service, 0);
    }

    /** The process id of instance {@code index} of a running service. */
    public long pid(Service service, int index) {
        return running(new Instance(service, index)).pid();
    }

    public Path logFile(Service service) {
        return logFile(service, 0);
    }

    /** {@code <dataDir>/logs/intake-service.log} for instance 0, {@code intake-service-1.log} for instance 1, ... */
    public Path logFile(Service service, int index) {
        return logFileOf(new Instance(service, index));
    }

    /** Stops the gateway, then the three services and the auth-server (SIGTERM, then SIGKILL after 30 s), then Kafka and the store. */
    @Override
    public synchronized void close() {
        closing = true;
        Optional.ofNullable(processes.remove(new Instance(Service.GATEWAY, 0))).ifPresent(gateway -> {
            log.info("Stopping the gateway");
            stopQuietly(gateway);
        });
        if (!processes.isEmpty()) {
            log.info("Stopping {}", processes.keySet().stream().map(Instance::toString).collect(Collectors.joining(", ")));
        }
        List<CompletableFuture<Void>> stopping = processes.values().stream()
                .map(process -> CompletableFuture.runAsync(() -> stopQuietly(process), WAITER))
                .toList();
        stopping.forEach(CompletableFuture::join);
        processes.clear();
        if (kafka != null) {
            if (!brokerStopped) {
                log.info("Stopping the Kafka broker");
                kafka.close();
            }
            kafka = null;
        }
        if (store != null) {
            if (!storeStopped) {
                log.info("Closing the store");
                store.close();
            }
            store = null;
        }
        try {
            Files.deleteIfExists(options.dataDir().resolve(PID_FILE));
        } catch (IOException e) {
            log.warn("Cannot delete {}: {}", options.dataDir().resolve(PID_FILE), e.toString());
        }
    }

    /** Copies (and for Spring Boot jars, extracts) each built jar into {@code <dataDir>/jars}, when it changed. */
    private void prepareJars() {
        Path jarsDir = options.dataDir().resolve("jars");
        List<CompletableFuture<Void>> preparing = List.of(Service.values()).stream()
                .map(service -> CompletableFuture.runAsync(() -> {
                    RunnableJar jar = RunnableJar.prepare(service.jar(options.root()), jarsDir, options.java());
                    synchronized (this) {
                        runnable.put(service, jar);
                    }
                }, WAITER))
                .toList();
        try {
            preparing.forEach(CompletableFuture::join);
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private void startInfrastructure() {
        log.info("Starting a Kafka broker on 127.0.0.1:{} and the store on 127.0.0.1:{} (data in {})",
                options.ports().kafka(), options.ports().store(), options.dataDir());
        CompletableFuture<EmbeddedKafka> broker = CompletableFuture.supplyAsync(() -> {
            long begin = System.nanoTime();
            EmbeddedKafka started = EmbeddedKafka.start(options.dataDir(), options.ports().kafka(), options.ports().kafkaController());
            log.info("Kafka broker ready on {} ({})", started.bootstrapServers(), seconds(Duration.ofNanos(System.nanoTime() - begin)));
            return started;
        }, WAITER);
        EmbeddedStore startedStore = null;
        try {
            startedStore = EmbeddedStore.start(options.dataDir(), options.ports().store());
        } finally {
            EmbeddedKafka startedKafka;
            try {
                startedKafka = broker.join();
            } catch (CompletionException e) {
                if (startedStore != null) {
                    startedStore.close();
                }
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
            adopt(startedKafka, startedStore);
        }
        log.info("Store ready on {} (mongo-java-server, H2 file {})", store.connectionString(), store.file());
    }

    /**
     * Stops the Kafka broker while everything else runs, as a broker outage would: the fault tests'
     * way to take it away ({@link #startBroker()} brings it back on the same port and data).
     */
    public synchronized void stopBroker() {
        if (kafka == null || brokerStopped) {
            return;
        }
        log.info("Stopping the Kafka broker (the services keep running)");
        kafka.close();
        brokerStopped = true;
    }

    /** Starts the broker stopped by {@link #stopBroker()} again, on the same port and data. */
    public void startBroker() {
        synchronized (this) {
            if (!brokerStopped || closing) {
                return;
            }
        }
        EmbeddedKafka started = EmbeddedKafka.start(options.dataDir(), options.ports().kafka(), options.ports().kafkaController());
        synchronized (this) {
            kafka = started;
            brokerStopped = false;
        }
        log.info("Kafka broker ready again on {}", started.bootstrapServers());
    }

    /**
     * Stops the store while everything else runs, as a store outage would: the services lose their
     * connections and get none until {@link #startStore()} opens the same H2 file on the same port
     * again (closing writes everything to the file first).
     */
    public synchronized void stopStore() {
        if (store == null || storeStopped) {
            return;
        }
        log.info("Stopping the store (the services keep running)");
        store.close();
        storeStopped = true;
    }

    /** Starts the store stopped by {@link #stopStore()} again, on the same port and file. */
    public synchronized void startStore() {
        if (!storeStopped || closing) {
            return;
        }
        store = EmbeddedStore.start(options.dataDir(), options.ports().store());
        storeStopped = false;
        log.info("Store ready again on {}", store.connectionString());
    }

    private synchronized void adopt(EmbeddedKafka startedKafka, EmbeddedStore startedStore) {
        if (closing) {
            startedKafka.close();
            if (startedStore != null) {
                startedStore.close();
            }
            throw new LaunchException("Stopped while starting");
        }
        kafka = startedKafka;
        store = startedStore;
    }

    private synchronized ServiceProcess launch(Instance instance) {
        if (closing) {
            throw new LaunchException("Stopped while starting");
        }
        Service service = instance.service();
        Map<String, String> environment = environment(service);
        if (instances(service) > 1 && Service.BEHIND_GATEWAY.contains(service)) {
            // Kafka clients named after their instance (intake-service-1-0, ...): the broker's view of a group tells them apart.
            environment.put("SPRING_KAFKA_CLIENTID", instance.toString());
        }
        ServiceProcess process = ServiceProcess.start(service, instance.toString(), runnable.get(service).forInstance(instance.index()),
                options.java(), options.root(),
                options.ports().of(service, instance.index()), options.ports().managementOf(service, instance.index()), hostOf(service),
                environment, logFileOf(instance));
        processes.put(instance, process);
        return process;
    }

    /**
     * Kills a service's process at once (SIGKILL), as a crash would, and waits until it is gone: the
     * fault tests' way. {@link #restart(Service)} starts it again.
     */
    public void kill(Service service) {
        kill(service, 0);
    }

    /** As {@link #kill(Service)}, instance {@code index}; the other instances go on. */
    public void kill(Service service, int index) {
        ServiceProcess process = running(new Instance(service, index));
        process.process().destroyForcibly();
        process.process().onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
    }

    /**
     * Stops instance {@code index} of a service as an operator's rolling restart does: SIGTERM, so it
     * finishes the requests it has and leaves its consumer group (SIGKILL after 30 s). Returns how long
     * it took; {@link #restart(Service, int)} starts it again.
     */
    public Duration stop(Service service, int index) {
        ServiceProcess process = running(new Instance(service, index));
        long begin = System.nanoTime();
        process.stop(GRACE);
        return Duration.ofNanos(System.nanoTime() - begin);
    }

    /** Starts a service that has stopped (killed, crashed) again, on its ports, and waits until it is ready. */
    public Duration restart(Service service) {
        return restart(service, 0);
    }

    /** As {@link #restart(Service)}, instance {@code index}, on its own ports. */
    public Duration restart(Service service, int index) {
        Instance instance = new Instance(service, index);
        if (index >= instances(service) || index < 0) {
            throw new IllegalArgumentException(service + " has no instance " + index + " (instances: " + instances(service) + ")");
        }
        ServiceProcess old = process(instance);
        if (old != null && old.process().isAlive()) {
            throw new IllegalStateException(instance + " is still running");
        }
        ServiceProcess process = launch(instance);
        writePidFile();
        Duration took = process.awaitReady(options.startTimeout());
        log.info("{} ready again on {} ({})", instance, process.url(), seconds(took));
        return took;
    }

    /**
     * Starts a second instance of {@code service} beside the running one, with a database and a
     * consumer group of its own, reading every topic from the beginning: it rebuilds the service's read
     * models from the events, as an uninterrupted run made them. Its producer points at a closed port,
     * so nothing it stages reaches the running system. For the benchmark's replay and the fault tests;
     * the caller stops the process. {@code jvmOptions} come after the services' own (a later one wins).
     */
    public Process startRebuild(Service service, String database, String consumerGroup, int port, List<String> jvmOptions) {
        Map<String, String> environment = new LinkedHashMap<>(environment(service));
        environment.put("MONGODB_URI", store.uri(database));
        environment.put("SPRING_KAFKA_CONSUMER_GROUP_ID", consumerGroup);
        Ports spare = Ports.free();
        environment.put("SPRING_KAFKA_PRODUCER_BOOTSTRAP_SERVERS", "127.0.0.1:" + spare.gateway()); // nothing listens there
        // Not the running instance's class-data archive: two JVMs would write it at exit.
        RunnableJar jar = new RunnableJar(runnable.get(service).jar(), jvmOptions);
        Path log = options.logDir().resolve(service.serviceName() + "-" + consumerGroup + ".log");
        // A management port of its own: the bind address the environment sets for it needs one.
        return ServiceProcess.start(service, jar, options.java(), options.root(), port, spare.intake(), hostOf(service), environment, log).process();
    }

    /** True once {@link #close()} was called. */
    public boolean isClosing() {
        return closing;
    }

    private void startServices(List<Service> services) {
        List<Instance> instances = services.stream().flatMap(service -> instancesOf(service).stream()).toList();
        log.info("Starting {}", instances.stream().map(Instance::toString).collect(Collectors.joining(", ")));
        List<ServiceProcess> launched = instances.stream().map(this::launch).toList();
        writePidFile(); // at once: a next start after a kill -9 of this launcher finds them (and they stop by themselves)
        List<CompletableFuture<Void>> ready = launched.stream()
                .map(process -> CompletableFuture.runAsync(() -> {
                    Duration took = process.awaitReady(options.startTimeout());
                    log.info("{} ready on {} ({})", process.name(), process.url(), seconds(took));
                }, WAITER))
                .toList();
        List<String> failures = new ArrayList<>();
        for (CompletableFuture<Void> future : ready) {
            try {
                future.join();
            } catch (CompletionException e) {
                failures.add(e.getCause() == null ? e.toString() : e.getCause().getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new LaunchException(String.join(System.lineSeparator() + System.lineSeparator(), failures));
        }
    }

    /** The auth-server, ready, has printed its generated demo password if it made one: for the console, not the log. */
    private void takeGeneratedDemoPassword() {
        ServiceProcess auth = process(new Instance(Service.AUTH, 0));
        generatedDemoPassword = DemoPassword.takeFrom(auth.logFile(), auth.logOffset()).orElse(null);
    }

    private synchronized ServiceProcess process(Instance instance) {
        return processes.get(instance);
    }

    private ServiceProcess running(Instance instance) {
        ServiceProcess process = process(instance);
        if (process == null) {
            throw new IllegalStateException(instance + " is not running");
        }
        return process;
    }

    /** The same variables as docker-compose.yml sets. */
    private Map<String, String> environment(Service service) {
        Ports ports = options.ports();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        // The service stops when this launcher is gone (launcher-watch): it would have no broker and no store.
        ProcessHandle launcher = ProcessHandle.current();
        env.put("KNOTLESS_LAUNCHER_PID", String.valueOf(launcher.pid()));
        launcher.info().startInstant().ifPresent(start -> env.put("KNOTLESS_LAUNCHER_START", start.toString()));
        if (service.database() != null) {
            env.put("MONGODB_URI", store.uri(service.database()));
        }
        // Every instance, comma-separated: the gateway balances across them (one URL with one instance, as compose has it).
        env.put("INTAKE_SERVICE_URL", instanceUrls(Service.INTAKE));
        env.put("SESSION_SERVICE_URL", instanceUrls(Service.SESSION));
        env.put("OUTCOMES_SERVICE_URL", instanceUrls(Service.OUTCOMES));
        if (Service.BEHIND_GATEWAY.contains(service) && options.instances() > DEFAULT_PARTITIONS) {
            // Every instance of a consumer group needs a partition to read; the default (3) covers three instances.
            env.put("KNOTLESS_MESSAGING_PARTITIONS", String.valueOf(options.instances()));
        }
        env.put("AUTH_SERVER_URL", "http://127.0.0.1:" + ports.auth());
        // Only the gateway and the auth-server face the network; the services and every
        // management port listen on the bind address (127.0.0.1 by default).
        if (Service.BEHIND_GATEWAY.contains(service)) {
            env.put("SERVER_ADDRESS", options.bindAddress());
        }
        env.put("MANAGEMENT_SERVER_ADDRESS", options.bindAddress());
        env.put("SURVEY_BASE_URL", "http://localhost:" + ports.gateway());
        // Where tokens come from; a service that does not check tokens yet ignores these.
        env.put("KNOTLESS_AUTH_ISSUER", issuer());
        env.put("KNOTLESS_AUTH_JWKS_URI", "http://127.0.0.1:" + ports.auth() + "/oauth2/jwks");
        String gateway = "http://localhost:" + ports.gateway();
        if (service == Service.AUTH || service == Service.GATEWAY) {
            env.put("KNOTLESS_GATEWAY_CLIENT_SECRET", gatewayClientSecret);
        }
        if (service == Service.GATEWAY) {
            env.put("KNOTLESS_GATEWAY_URL", gateway);
        }
        if (service == Service.AUTH) {
            env.put("KNOTLESS_AUTH_KEYS_DIR", options.dataDir().resolve("auth-keys").toString());
            env.put("KNOTLESS_DEMO_ACCOUNTS", "true");
            env.put("KNOTLESS_GATEWAY_REDIRECT_URI", gateway + "/login/oauth2/code/knotless");
            env.put("KNOTLESS_GATEWAY_POST_LOGOUT_URI", gateway + "/");
            // KNOTLESS_DEMO_PASSWORD, when set, reaches it with the rest of the launcher's environment.
        }
        return env;
    }

    /** {@code http://<bind address>:<port>} of each instance of {@code service}, comma-separated. */
    private String instanceUrls(Service service) {
        return instancesOf(service).stream().map(instance -> url(service, instance.index())).collect(Collectors.joining(","));
    }

    private Path logFileOf(Instance instance) {
        return options.logDir().resolve(instance + ".log");
    }

    private void watchForUnexpectedExits() {
        processes.values().forEach(process -> process.process().onExit().thenAccept(exited -> {
            if (!closing && !process.stopping()) {
                log.error("{} stopped unexpectedly with exit code {}; see {}", process.name(), exited.exitValue(), process.logFile());
            }
        }));
    }

    private void stopQuietly(ServiceProcess process) {
        try {
            process.stop(GRACE);
        } catch (RuntimeException e) {
            log.warn("Could not stop {}: {}", process, e.toString());
        }
    }

    /** {@code <dataDir>/knotless.pids}: "pid name start-instant" per line, the launcher first. */
    private synchronized void writePidFile() {
        StringBuilder pids = new StringBuilder(pidLine(ProcessHandle.current(), "launcher"));
        processes.values().forEach(process -> pids.append(pidLine(process.process().toHandle(), process.name())));
        try {
            Files.createDirectories(options.dataDir());
            Files.writeString(options.dataDir().resolve(PID_FILE), pids);
        } catch (IOException e) {
            log.warn("Cannot write {}: {}", options.dataDir().resolve(PID_FILE), e.toString());
        }
    }

    private static String pidLine(ProcessHandle process, String name) {
        return process.pid() + " " + name + " " + process.info().startInstant().map(Object::toString).orElse("-") + System.lineSeparator();
    }

    /** Refuses to start, with every reason at once: missing jars, taken ports, a Knotless already running on this data. */
    static void preflight(LauncherOptions options) {
        List<String> problems = new ArrayList<>();
        List<Path> missing = List.of(Service.values()).stream()
                .map(service -> service.jar(options.root()))
                .filter(jar -> !Files.isRegularFile(jar))
                .toList();
        if (!missing.isEmpty()) {
            problems.add("Not built yet: " + missing.stream().map(Path::toString).collect(Collectors.joining(", "))
                    + System.lineSeparator() + "  Build first: ./knotless up --rebuild (or ./mvnw -DskipTests install) in " + options.root());
        }
        List<Leftover> earlier = runningFromEarlierStart(options.dataDir());
        if (!earlier.isEmpty() && earlier.stream().noneMatch(Leftover::isLauncher)) {
            stopOrphans(earlier); // their launcher was killed: they have no broker and no store, and only hold the ports
            earlier = List.of();
        }
        List<String> leftovers = earlier.stream().map(Leftover::toString).toList();
        List<String> taken = options.ports().byName().entrySet().stream()
                .filter(port -> !isFree(port.getValue()))
                .map(port -> port.getValue() + " (" + port.getKey() + ")")
                .toList();
        if (!taken.isEmpty()) {
            problems.add("Ports already in use: " + String.join(", ", taken) + System.lineSeparator()
                    + "  Stop what uses them or choose other ports (./knotless up --help).");
        }
        if (!leftovers.isEmpty()) {
            problems.add("A Knotless started earlier with this data directory is still running: " + String.join(", ", leftovers)
                    + System.lineSeparator() + "  Stop it first (Ctrl-C in its terminal, or kill those pids).");
        }
        if (!problems.isEmpty()) {
            throw new LaunchException("Knotless cannot start:" + System.lineSeparator() + "- "
                    + String.join(System.lineSeparator() + "- ", problems));
        }
    }

    /** A process of an earlier start on this data that still runs. */
    record Leftover(ProcessHandle handle, String name) {
        boolean isLauncher() {
            return name.equals("launcher");
        }

        @Override
        public String toString() {
            return name + " (pid " + handle.pid() + ")";
        }
    }

    /**
     * The services of an earlier start whose launcher is gone ({@code kill -9}, a closed terminal). They
     * stop by themselves within seconds (launcher-watch); one that does not (hung, or built before the
     * watch) is asked to stop, then killed.
     */
    static void stopOrphans(List<Leftover> orphans) {
        log.warn("The launcher of an earlier start on this data has gone, leaving {}: stopping them first", orphans);
        for (Leftover orphan : orphans) {
            if (!awaitExit(orphan.handle(), ORPHAN_GRACE)) {
                log.warn("{} has not stopped by itself: asking it to stop", orphan);
                orphan.handle().destroy();
                if (!awaitExit(orphan.handle(), ORPHAN_GRACE)) {
                    log.warn("{} has not stopped when asked: killing it", orphan);
                    orphan.handle().destroyForcibly();
                    awaitExit(orphan.handle(), ORPHAN_GRACE);
                }
            }
        }
    }

    private static boolean awaitExit(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        } catch (java.util.concurrent.ExecutionException e) {
            return !handle.isAlive();
        }
    }

    /** The processes of an earlier start on this data that still run (same pid and same start time, so not a reused pid). */
    private static List<Leftover> runningFromEarlierStart(Path dataDir) {
        Path pidFile = dataDir.resolve(PID_FILE);
        if (!Files.isRegularFile(pidFile)) {
            return List.of();
        }
        try {
            return Files.readAllLines(pidFile).stream()
                    .map(line -> line.trim().split("\\s+"))
                    .filter(fields -> fields.length >= 2 && fields[0].matches("\\d+"))
                    .flatMap(fields -> ProcessHandle.of(Long.parseLong(fields[0]))
                            .filter(ProcessHandle::isAlive)
                            .filter(handle -> fields.length < 3 || fields[2].equals("-")
                                    || handle.info().startInstant().map(Object::toString).filter(fields[2]::equals).isPresent())
                            .map(handle -> new Leftover(handle, fields[1]))
                            .stream())
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String seconds(Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
