package dev.knotless.outcomes;

import dev.knotless.testsupport.TestTokens;
import java.time.Clock;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.web.client.RestClient;

/**
 * The ITs' HTTP client since outcomes-service is a resource server: each request carries the token
 * its caller would have, minted at the moment it is sent (tokens are checked against the service's
 * clock, which the tests move). The patient's survey sends none; {@code /actuator} is the
 * operator's; a path naming a clinic ({@code /api/clinics/{clinicId}/...}) is that clinic's
 * therapist's; any other request is the therapist of {@code actingClinic}.
 */
public final class SignedInClient {

    private static final Pattern CLINIC_PATH = Pattern.compile("^/api/clinics/([^/]+)/");

    private SignedInClient() {
    }

    public static RestClient.Builder builder(int port, Clock clock, Supplier<String> actingClinic) {
        var tokens = new TestTokens(clock);
        return RestClient.builder().baseUrl("http://localhost:" + port)
                .requestInterceptor((request, body, execution) -> {
                    String path = request.getURI().getPath();
                    if (!request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION) && !path.startsWith("/api/surveys/")) {
                        request.getHeaders().set(HttpHeaders.AUTHORIZATION, TestTokens.bearer(tokenFor(tokens, path, actingClinic)));
                    }
                    return execution.execute(request, body);
                });
    }

    private static String tokenFor(TestTokens tokens, String path, Supplier<String> actingClinic) {
        if (path.startsWith("/actuator/")) {
            return tokens.operator();
        }
        Matcher clinic = CLINIC_PATH.matcher(path);
        return tokens.therapist(clinic.find() ? clinic.group(1) : actingClinic.get());
    }
}
