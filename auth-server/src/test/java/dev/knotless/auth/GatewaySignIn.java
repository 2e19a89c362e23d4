package dev.knotless.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's side of a sign-in, as a test drives it: the confidential client {@code knotless-gateway}
 * (its secret, no PKCE) through the authorization endpoint and the sign-in form, then the token
 * endpoint for the code and for refreshes. The CLI client ({@code AuthorizationCodeFlow}) gets no
 * refresh token; this one does.
 */
public final class GatewaySignIn {

    public static final String CLIENT_ID = "knotless-gateway";
    public static final String REDIRECT_URI = "http://localhost:8080/login/oauth2/code/knotless";
    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String base;
    private final String secret;

    public GatewaySignIn(String base, String secret) {
        this.base = base;
        this.secret = secret;
    }

    /** Signs {@code username} in through the form and returns the authorization code the browser brings back. */
    public String code(String username, String password) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String authorize = base + "/oauth2/authorize?" + form(Map.of("response_type", "code", "client_id", CLIENT_ID,
                "redirect_uri", REDIRECT_URI, "scope", "openid", "state", "gateway-state"));
        HttpResponse<String> toLogin = browser.send(get(authorize), HttpResponse.BodyHandlers.ofString());
        assertThat(toLogin.statusCode()).isEqualTo(302);
        HttpResponse<String> page = browser.send(get(base + "/login"), HttpResponse.BodyHandlers.ofString());
        Matcher csrf = HIDDEN.matcher(page.body());
        assertThat(csrf.find()).as("the form's CSRF field").isTrue();
        HttpResponse<String> signedIn = browser.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of(csrf.group(1), csrf.group(2), "username", username, "password", password))))
                .build(), HttpResponse.BodyHandlers.ofString());
        String location = signedIn.headers().firstValue("Location").orElseThrow();
        assertThat(location).as("signed in, back to the authorization").doesNotContain("error");
        HttpResponse<String> callback = browser.send(get(URI.create(base).resolve(location).toString()), HttpResponse.BodyHandlers.ofString());
        String redirect = callback.headers().firstValue("Location").orElseThrow();
        assertThat(redirect).startsWith(REDIRECT_URI + "?code=");
        return query(URI.create(redirect)).get("code");
    }

    /** The code exchanged at the token endpoint: the response's status and body. */
    public HttpResponse<String> exchange(String code) throws Exception {
        return token(Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT_URI));
    }

    public HttpResponse<String> refresh(String refreshToken) throws Exception {
        return token(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    /** Signs in and exchanges the code: the token response (access, refresh and ID token). */
    public Map<String, Object> tokens(String username, String password) throws Exception {
        HttpResponse<String> response = exchange(code(username, password));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    public static Map<String, Object> json(HttpResponse<String> response) {
        return JSON.readValue(response.body(), new TypeReference<>() {
        });
    }

    private HttpResponse<String> token(Map<String, String> parameters) throws Exception {
        String basic = Base64.getEncoder().encodeToString((CLIENT_ID + ":" + secret).getBytes(StandardCharsets.UTF_8));
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(parameters))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest get(String uri) {
        return HttpRequest.newBuilder(URI.create(uri)).header("Accept", "text/html").GET().build();
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(field -> URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int equals = pair.indexOf('=');
            parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return parameters;
    }
}
