package dev.knotless.gateway;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser as far as the sign-in needs one: a cookie jar, redirects followed (and recorded), the
 * sign-in form filled in with the hidden CSRF field it carries, pages asked for as text/html.
 */
final class Browser {

    private static final Pattern FORM = Pattern.compile("<form\\b([^>]*)>(.*?)</form>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");
    private static final Pattern ACTION = Pattern.compile("action=\"([^\"]*)\"");

    final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    /** Opens {@code url} and follows redirects to the end; when the sign-in form shows, fills it in and goes on. */
    HttpResponse<String> openSigningIn(URI url, String username, String password) throws IOException, InterruptedException {
        HttpResponse<String> response = follow(send(HttpRequest.newBuilder(url).header("Accept", "text/html").GET().build()));
        if (response.statusCode() == 200 && response.uri().getPath().equals("/login")) {
            response = follow(submitSignIn(response, username, password));
        }
        return response;
    }

    HttpResponse<String> follow(HttpResponse<String> response) throws IOException, InterruptedException {
        for (int hops = 0; response.statusCode() / 100 == 3 && hops < 12; hops++) {
            URI next = response.uri().resolve(response.headers().firstValue("Location").orElseThrow());
            response = send(HttpRequest.newBuilder(next).header("Accept", "text/html").GET().build());
        }
        return response;
    }

    private HttpResponse<String> submitSignIn(HttpResponse<String> page, String username, String password) throws IOException, InterruptedException {
        Matcher form = FORM.matcher(page.body());
        if (!form.find()) {
            throw new IllegalStateException("No form on " + page.uri() + ": " + page.body());
        }
        Matcher action = ACTION.matcher(form.group(1));
        URI target = page.uri().resolve(action.find() ? action.group(1) : page.uri().getPath());
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher hidden = HIDDEN.matcher(form.group(2));
        while (hidden.find()) {
            fields.put(hidden.group(1), hidden.group(2));
        }
        fields.put("username", username);
        fields.put("password", password);
        String body = fields.entrySet().stream()
                .map(field -> URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(target).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** A request that gets no answer fails the test after 30 s, naming it, rather than hanging the build. */
    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        HttpRequest bounded = request.timeout().isPresent() ? request
                : HttpRequest.newBuilder(request, (name, value) -> true).timeout(Duration.ofSeconds(30)).build();
        try {
            return http.send(bounded, HttpResponse.BodyHandlers.ofString());
        } catch (java.net.http.HttpTimeoutException e) {
            throw new java.net.http.HttpTimeoutException("No answer in 30 s to " + request.method() + " " + request.uri());
        }
    }

    Optional<String> cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(cookie -> cookie.getName().equals(name)).map(HttpCookie::getValue).findFirst();
    }
}
