package dev.knotless.gateway;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.knotless.launcher.AuthorizationCodeFlow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * The real auth-server for the gateway's tests, run from its executable jar as {@code ./knotless up}
 * runs it (a servlet application: on the gateway's test class path it would make the gateway's
 * context a servlet one), with demo accounts, against a mongo-java-server in this JVM. One per
 * test JVM, stopped when the JVM ends. Browsers are sent back to the gateway at
 * {@link #GATEWAY_PORT}, which the sign-in tests' gateway listens on.
 */
final class AuthServerProcess {

    static final String DEMO_PASSWORD = "gateway-test-demo-password";
    static final String CLIENT_SECRET = "gateway-test-client-secret";
    static final int GATEWAY_PORT = fixedPort();

    private static AuthServerProcess running;

    private final int port;
    private final Process process;
    private final Path log;

    private AuthServerProcess(int port, Process process, Path log) {
        this.port = port;
        this.process = process;
        this.log = log;
    }

    static synchronized AuthServerProcess get() {
        if (running == null) {
            running = start();
        }
        return running;
    }

    /** {@code http://localhost:<port>}: the issuer, as browsers reach it. */
    String issuer() {
        return "http://localhost:" + port;
    }

    String jwksUri() {
        return "http://127.0.0.1:" + port + "/oauth2/jwks";
    }

    /** An access token for the API, got as {@code ./knotless token} gets it. */
    String accessToken(String username) {
        try {
            return new AuthorizationCodeFlow(URI.create(issuer())).accessToken(username, DEMO_PASSWORD);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot get a token for " + username + " (auth-server log: " + log + ")", e);
        }
    }

    private static AuthServerProcess start() {
        Path jar = Path.of("..", "auth-server", "target", "auth-server.jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The gateway's sign-in tests run the auth-server's jar, which is not built: " + jar
                    + " (./mvnw -pl gateway -am verify builds it first)");
        }
        MongoServer store = new MongoServer(new MemoryBackend());
        InetSocketAddress storeAddress = store.bind();
        int port = fixedPort();
        try {
            Path keys = Files.createTempDirectory("gateway-test-auth-keys");
            Path log = Files.createTempFile("gateway-test-auth-server", ".log");
            String gateway = "http://localhost:" + GATEWAY_PORT;
            ProcessBuilder builder = new ProcessBuilder(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("SERVER_PORT", String.valueOf(port));
            builder.environment().remove("MANAGEMENT_PORT");
            builder.environment().put("MONGODB_URI", "mongodb://127.0.0.1:" + storeAddress.getPort() + "/knotless-auth");
            builder.environment().put("KNOTLESS_AUTH_ISSUER", "http://localhost:" + port);
            builder.environment().put("KNOTLESS_AUTH_KEYS_DIR", keys.toString());
            builder.environment().put("KNOTLESS_DEMO_ACCOUNTS", "true");
            builder.environment().put("KNOTLESS_DEMO_PASSWORD", DEMO_PASSWORD);
            builder.environment().put("KNOTLESS_GATEWAY_CLIENT_SECRET", CLIENT_SECRET);
            builder.environment().put("KNOTLESS_GATEWAY_REDIRECT_URI", gateway + "/login/oauth2/code/knotless");
            builder.environment().put("KNOTLESS_GATEWAY_POST_LOGOUT_URI", gateway + "/");
            // Every sign-in of these tests comes from one address, far more than 10 a minute.
            builder.environment().put("KNOTLESS_AUTH_SIGN_IN_RATE_LIMIT", "1000");
            Process process = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                process.destroy();
                try {
                    process.waitFor(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                store.shutdownNow();
            }, "gateway-test-auth-server-stop"));
            HttpClient http = HttpClient.newHttpClient();
            Awaitility.await("the auth-server (log: " + log + ")").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("The auth-server stopped while starting:\n" + Files.readString(log));
                        }
                        try {
                            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/liveness"))
                                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                            return health.statusCode() == 200 && health.body().contains("UP");
                        } catch (IOException notYet) {
                            return false;
                        }
                    });
            return new AuthServerProcess(port, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A free port below Linux's ephemeral range (32768-60999), for a server that must listen on a
     * port chosen in advance: a port the system handed out for a probe may be handed out again to
     * the next server on a random port (another test's gateway) before ours binds it.
     */
    static int fixedPort() {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = 20000 + random.nextInt(12000);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(candidate));
                return candidate;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("No free port between 20000 and 32000");
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
