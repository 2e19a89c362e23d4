package dev.knotless.benchmarks;

import dev.knotless.launcher.AuthorizationCodeFlow;
import dev.knotless.launcher.KnotlessSystem;
import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * An access token of a demo account, through the auth-server's sign-in form as {@code ./knotless
 * token} gets one, renewed before its 15 minutes run out. Each size starts a fresh auth-server, which
 * generates the demo password unless KNOTLESS_DEMO_PASSWORD is set.
 */
final class SignIn implements Supplier<String> {

    private static final Duration RENEW_AFTER = Duration.ofMinutes(10);

    private final AuthorizationCodeFlow flow;
    private final String username;
    private final String password;
    private String token;
    private long fetchedAt;

    SignIn(KnotlessSystem system, String username) {
        this.flow = new AuthorizationCodeFlow(URI.create(system.issuer()));
        this.username = username;
        this.password = system.generatedDemoPassword().orElseGet(() -> System.getenv("KNOTLESS_DEMO_PASSWORD"));
        if (password == null) {
            throw new IllegalStateException("No demo password: the auth-server generated none and KNOTLESS_DEMO_PASSWORD is not set");
        }
    }

    @Override
    public synchronized String get() {
        if (token == null || System.nanoTime() - fetchedAt > RENEW_AFTER.toNanos()) {
            try {
                token = flow.accessToken(username, password);
            } catch (Exception e) {
                throw new IllegalStateException("Cannot sign in as " + username + ": " + e.getMessage(), e);
            }
            fetchedAt = System.nanoTime();
        }
        return token;
    }
}
