package dev.knotless.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code ./knotless token USERNAME [--password P] [--issuer URL]}: signs in through the real
 * authorization-code flow ({@link AuthorizationCodeFlow}) and prints only the access token, for
 * {@code TOKEN=$(./knotless token therapist-a)}. Messages go to standard error.
 */
public final class TokenCommand {

    static final int SIGN_IN_FAILED = 2;
    static final int UNREACHABLE = 1;

    private TokenCommand() {
    }

    /**
     * The whole command from its arguments ({@code token USERNAME [--password P] [--issuer URL]}) and
     * environment, as {@code ./knotless token} runs it.
     *
     * @return the exit code (see {@link #run(CommandLine.Token, PrintStream, PrintStream)}; 2 for a usage mistake)
     */
    public static int run(List<String> args, Map<String, String> environment, PrintStream out, PrintStream err) {
        CommandLine.Command command;
        try {
            Path here = Path.of("").toAbsolutePath();
            command = CommandLine.parse(args, environment, here, here);
        } catch (CommandLine.UsageException e) {
            err.println("knotless token: " + e.getMessage() + " (./knotless help)");
            return SIGN_IN_FAILED;
        }
        if (command instanceof CommandLine.Token token) {
            return run(token, out, err);
        }
        out.print(CommandLine.usage());
        return 0;
    }

    /** @return the exit code: 0 with the token printed, 2 when there is no password or the sign-in fails, 1 when the auth-server cannot be reached */
    static int run(CommandLine.Token token, PrintStream out, PrintStream err) {
        if (token.password() == null) {
            err.println("knotless token: no password for " + token.username() + ". Give --password, or set KNOTLESS_PASSWORD"
                    + " (KNOTLESS_DEMO_PASSWORD for the demo accounts; ./knotless up prints where theirs comes from).");
            return SIGN_IN_FAILED;
        }
        try {
            String accessToken = new AuthorizationCodeFlow(token.issuer()).accessToken(token.username(), token.password());
            out.println(accessToken);
            out.flush();
            return 0;
        } catch (AuthorizationCodeFlow.SignInException e) {
            err.println("knotless token: " + e.getMessage());
            return SIGN_IN_FAILED;
        } catch (IOException e) {
            err.println("knotless token: cannot reach the auth-server at " + token.issuer() + " (" + e + ")."
                    + " Is ./knotless up running? Another address: --issuer URL or KNOTLESS_ISSUER.");
            return UNREACHABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("knotless token: interrupted");
            return UNREACHABLE;
        }
    }

    static URI defaultIssuer(Map<String, String> environment) {
        String port = environment.get("KNOTLESS_AUTH_PORT");
        return URI.create("http://localhost:" + (port == null || port.isBlank() ? Ports.defaults().auth() : port.trim()));
    }
}
