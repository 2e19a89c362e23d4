package dev.knotless.launcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

/**
 * A stand-in for a service jar, so that the launcher is tested without the real services: it
 * listens on {@code SERVER_PORT} (and {@code MANAGEMENT_PORT}, at the addresses Spring Boot would
 * take from the environment), answers the readiness probe, shows its environment at
 * {@code /env}. With {@code FAKE_FAIL=1} it prints a reason and exits with status 3; with
 * {@code FAKE_HANG=1} it never becomes ready. Asked for demo accounts without a password, it
 * prints a generated one as the auth-server does.
 */
public final class FakeService {

    public static void main(String[] args) throws IOException, InterruptedException {
        if ("1".equals(System.getenv("FAKE_FAIL"))) {
            System.out.println("fake service: cannot connect to the store, giving up");
            System.exit(3);
        }
        if ("1".equals(System.getenv("FAKE_HANG"))) {
            System.out.println("fake service: waiting for something that never comes");
            new java.util.concurrent.CountDownLatch(1).await(); // until the launcher gives up and kills it
        }
        String demoPassword = System.getenv("KNOTLESS_DEMO_PASSWORD");
        if ("true".equals(System.getenv("KNOTLESS_DEMO_ACCOUNTS")) && (demoPassword == null || demoPassword.isEmpty())) {
            System.out.println(DemoPassword.LINE + "fake-generated-password");
        }
        int port = Integer.parseInt(System.getenv("SERVER_PORT"));
        // As Spring Boot does: SERVER_ADDRESS and MANAGEMENT_SERVER_ADDRESS, else every interface.
        HttpServer server = HttpServer.create(address(System.getenv("SERVER_ADDRESS"), port), 0);
        String managementPort = System.getenv("MANAGEMENT_PORT");
        if (managementPort != null) {
            HttpServer management = HttpServer.create(address(System.getenv("MANAGEMENT_SERVER_ADDRESS"), Integer.parseInt(managementPort)), 0);
            management.createContext("/actuator/health/readiness", exchange -> reply(exchange, "{\"status\":\"UP\"}"));
            management.start();
        }
        server.createContext("/actuator/health/readiness", exchange -> reply(exchange, "{\"status\":\"UP\"}"));
        server.createContext("/env", exchange -> reply(exchange, new TreeMap<>(System.getenv()).entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining("\n"))));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("fake service: stopping on SIGTERM")));
        System.out.println("fake service: up on port " + port);
    }

    private static InetSocketAddress address(String host, int port) {
        return host == null || host.isBlank() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    private static void reply(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (exchange) {
            exchange.getResponseBody().write(bytes);
        }
    }

    /** Writes an executable jar of this class to {@code jar}. */
    static Path writeJar(Path jar) throws IOException {
        Files.createDirectories(jar.getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeService.class.getName());
        String entry = FakeService.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             InputStream classFile = FakeService.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            classFile.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }
}
