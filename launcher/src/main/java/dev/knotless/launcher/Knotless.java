package dev.knotless.launcher;

import dev.knotless.launcher.CommandLine.Help;
import dev.knotless.launcher.CommandLine.Token;
import dev.knotless.launcher.CommandLine.Up;
import dev.knotless.launcher.CommandLine.UsageException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/** {@code java -jar launcher/target/knotless-launcher.jar up [options]}; see {@link CommandLine#usage()}. */
public final class Knotless {

    private static final PrintStream out = System.out;

    private Knotless() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("token")) {
            // Only the token on standard output: nothing else is started or logged.
            System.exit(TokenCommand.run(List.of(args), System.getenv(), out, System.err));
        }
        if (args.length > 0 && args[0].equals("dlt")) {
            System.exit(DeadLetterCommand.run(List.of(args).subList(1, args.length), System.getenv(), out, System.err));
        }
        Path workingDir = Path.of("").toAbsolutePath();
        CommandLine.Command command;
        try {
            command = CommandLine.parse(List.of(args), System.getenv(), repositoryRoot(workingDir), workingDir);
        } catch (UsageException e) {
            System.err.println(e.getMessage());
            System.err.println();
            System.err.print(CommandLine.usage());
            System.exit(2);
            return;
        }
        switch (command) {
            case Help help -> out.print(CommandLine.usage());
            case Up up -> up(up.options());
            case Token token -> System.exit(TokenCommand.run(token, out, System.err));
        }
    }

    private static void up(LauncherOptions options) {
        LauncherLogging.toFile(options.logDir().resolve("launcher.log"));
        AtomicReference<KnotlessSystem> running = new AtomicReference<>();
        Thread stopper = new Thread(() -> {
            KnotlessSystem system = running.get();
            if (system != null) {
                out.println();
                out.println("Stopping Knotless ...");
                system.close();
                out.println("Knotless stopped. Data kept in " + options.dataDir());
            }
        }, "knotless-stop");
        Runtime.getRuntime().addShutdownHook(stopper);

        KnotlessSystem system;
        try {
            system = KnotlessSystem.start(options, running::set);
        } catch (LaunchException e) {
            KnotlessSystem halfStarted = running.getAndSet(null);
            if (halfStarted != null && halfStarted.isClosing()) {
                return; // Ctrl-C while starting: the shutdown hook has stopped what was running
            }
            System.err.println();
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        printSummary(system);
        try {
            new CountDownLatch(1).await(); // until Ctrl-C; the shutdown hook stops everything
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void printSummary(KnotlessSystem system) {
        LauncherOptions options = system.options();
        out.println();
        out.println("Knotless is up in " + KnotlessSystem.seconds(system.startupTime()) + ".");
        out.println();
        out.printf("  %-18s %s/api   (through the gateway, the only entry for users)%n", "API", system.gatewayUrl());
        out.printf("  %-18s %s   (sign-in, OpenID Connect; /oauth2/jwks; health at %s/actuator/health)%n", "auth-server", system.issuer(),
                system.managementUrl(Service.AUTH));
        for (Service service : List.of(Service.GATEWAY, Service.INTAKE, Service.SESSION, Service.OUTCOMES)) {
            for (int index = 0; index < system.instances(service); index++) {
                String url = system.managementUrl(service, index);
                out.printf("  %-18s %s/actuator/health   %s/actuator/prometheus%n", Service.instanceName(service, index), url, url);
            }
        }
        if (options.instances() > 1) {
            out.printf("  %-18s %d instances of each service behind the gateway, one database and one consumer group per service%n",
                    "", options.instances());
        }
        out.printf("  %-18s the services and every management port listen on %s only%n", "", options.bindAddress());
        out.printf("  %-18s %s%n", "Kafka bootstrap", system.kafkaBootstrapServers());
        out.printf("  %-18s %s   (mongo-java-server, a MongoDB wire-protocol server, not MongoDB; file %s)%n",
                "store", system.storeUri(), system.storeFile());
        out.printf("  %-18s %s%n", "logs", options.logDir());
        out.println();
        printSignIn(system);
        out.println();
        out.println("Press Ctrl-C to stop.");
    }

    /** How to sign in: the demo accounts, where their password comes from, and the token command. */
    static void printSignIn(KnotlessSystem system) {
        out.println("Sign in with a demo account: therapist-a, admin-a (clinic admin), both in clinic-a; therapist-b in clinic-b;");
        out.println("operator (no clinic, no patient data).");
        String demoPassword = System.getenv("KNOTLESS_DEMO_PASSWORD");
        if (system.generatedDemoPassword().isPresent()) {
            out.println("  Their password, generated now and shown only this once (stored hashed):");
            out.println("    export KNOTLESS_DEMO_PASSWORD='" + system.generatedDemoPassword().get() + "'");
        } else if (demoPassword != null && !demoPassword.isEmpty()) {
            out.println("  Their password: the value of KNOTLESS_DEMO_PASSWORD (as when they were created; a restart changes none).");
        } else {
            out.println("  Their password: the one shown when they were created (first start). Set it as KNOTLESS_DEMO_PASSWORD,");
            out.println("  or give --password to ./knotless token. Lost it: KNOTLESS_DEMO_RESET_PASSWORDS=true ./knotless up");
        }
        out.println("  A token for the API:   TOKEN=$(./knotless token therapist-a)");
        out.println("                         curl -H \"Authorization: Bearer $TOKEN\" " + system.gatewayUrl() + "/api/...");
        out.println("  In a browser:          " + system.gatewayUrl() + "/ (signs in at " + system.issuer() + "/login)");
    }

    /** The repository this jar was built in ({@code <root>/launcher/target/knotless-launcher.jar}), else the working directory. */
    static Path repositoryRoot(Path workingDir) {
        try {
            Path location = Path.of(Knotless.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path target = location.getParent();
            if (target != null && target.getFileName() != null && target.getFileName().toString().equals("target")
                    && target.getParent() != null && Files.isDirectory(target.getParent().getParent())) {
                return target.getParent().getParent();
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall back to the working directory
        }
        return workingDir;
    }
}
