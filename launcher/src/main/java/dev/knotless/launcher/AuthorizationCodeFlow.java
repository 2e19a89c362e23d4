package dev.knotless.launcher;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Signs a staff member in at the auth-server as a browser would and returns an access token: the
 * OAuth2 authorization-code flow with PKCE (S256) as the public client {@value #CLIENT_ID}. It
 * opens the authorization endpoint, follows the redirects to the sign-in form, posts the form
 * (with the CSRF field the page carries), follows the redirects until the one to the loopback
 * redirect URI, takes the code from it there (nothing listens at that address) and exchanges the
 * code and the PKCE verifier for tokens. One instance per sign-in: it keeps the session cookie.
 *
 * <pre>{@code
 * String token = new AuthorizationCodeFlow(URI.create("http://localhost:9000")).accessToken("therapist-a", password);
 * }</pre>
 */
public final class AuthorizationCodeFlow {

    public static final String CLIENT_ID = "knotless-cli";
    public static final String REDIRECT_URI = "http://127.0.0.1/callback";

    private static final int MAX_REDIRECTS = 10;
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern FORM = Pattern.compile("<form\\b([^>]*)>(.*?)</form>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern INPUT = Pattern.compile("<input\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTRIBUTE = Pattern.compile("([a-zA-Z_:-]+)\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)')");

    /** The sign-in was refused (wrong password, unknown or locked account), or the server answered unexpectedly. */
    public static final class SignInException extends Exception {

        private final String page;

        SignInException(String message, String page) {
            super(message);
            this.page = page;
        }

        /** The last page the server showed (the sign-in form with its message), or empty. */
        public String page() {
            return page == null ? "" : page;
        }
    }

    private final URI issuer;
    private final HttpClient http;

    public AuthorizationCodeFlow(URI issuer) {
        this.issuer = withoutTrailingSlash(issuer);
        this.http = HttpClient.newBuilder()
                .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER) // followed here, to stop at the loopback redirect
                .connectTimeout(TIMEOUT)
                .build();
    }

    /**
     * @throws SignInException when the sign-in is refused or the flow goes other than expected
     * @throws IOException     when the auth-server cannot be reached
     */
    public String accessToken(String username, String password) throws SignInException, IOException, InterruptedException {
        return tokens(username, password).get("access_token");
    }

    /** The token response's string fields ({@code access_token}, {@code id_token}, {@code token_type}, {@code scope}). */
    public Map<String, String> tokens(String username, String password) throws SignInException, IOException, InterruptedException {
        Map<String, String> discovery = jsonStrings(send(get(URI.create(issuer + "/.well-known/openid-configuration"), "application/json")),
                "the discovery document");
        URI authorizationEndpoint = URI.create(required(discovery, "authorization_endpoint"));
        URI tokenEndpoint = URI.create(required(discovery, "token_endpoint"));

        String verifier = random(32);
        String state = random(16);
        URI authorize = URI.create(authorizationEndpoint + "?" + form(Map.of(
                "response_type", "code",
                "client_id", CLIENT_ID,
                "redirect_uri", REDIRECT_URI,
                "scope", "openid",
                "state", state,
                "code_challenge", challenge(verifier),
                "code_challenge_method", "S256")));

        HttpResponse<String> response = followUntilCallback(send(get(authorize, "text/html")));
        if (!isCallback(response)) {
            response = signIn(response, username, password);
            response = followUntilCallback(response);
        }
        if (!isCallback(response)) {
            if (response.statusCode() == 200 && response.uri().getPath().endsWith("/login")) {
                throw new SignInException("Sign-in failed for " + username + ": wrong username or password, or the account is locked", response.body());
            }
            throw new SignInException("Unexpected answer from " + response.uri() + ": HTTP " + response.statusCode(), response.body());
        }
        Map<String, String> callback = query(URI.create(location(response)));
        if (callback.containsKey("error")) {
            throw new SignInException("The auth-server refused the authorization: " + callback.get("error")
                    + Optional.ofNullable(callback.get("error_description")).map(description -> " (" + description + ")").orElse(""), null);
        }
        if (!state.equals(callback.get("state")) || !callback.containsKey("code")) {
            throw new SignInException("The redirect to " + REDIRECT_URI + " carries no code or the wrong state", null);
        }

        HttpResponse<String> tokenResponse = send(HttpRequest.newBuilder(tokenEndpoint)
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of(
                        "grant_type", "authorization_code",
                        "code", callback.get("code"),
                        "redirect_uri", REDIRECT_URI,
                        "client_id", CLIENT_ID,
                        "code_verifier", verifier))))
                .build());
        if (tokenResponse.statusCode() != 200) {
            throw new SignInException("The token endpoint answered HTTP " + tokenResponse.statusCode() + ": " + tokenResponse.body(), null);
        }
        Map<String, String> tokens = jsonStrings(tokenResponse, "the token response");
        required(tokens, "access_token");
        return tokens;
    }

    /** Fills in and posts the sign-in form found on {@code page}. */
    private HttpResponse<String> signIn(HttpResponse<String> page, String username, String password) throws SignInException, IOException, InterruptedException {
        if (page.statusCode() != 200) {
            throw new SignInException("Expected the sign-in form at " + page.uri() + ", got HTTP " + page.statusCode(), page.body());
        }
        Matcher form = FORM.matcher(page.body());
        if (!form.find()) {
            throw new SignInException("No sign-in form at " + page.uri(), page.body());
        }
        Map<String, String> formAttributes = attributes(form.group(1));
        URI action = page.uri().resolve(formAttributes.getOrDefault("action", page.uri().getPath()));
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher input = INPUT.matcher(form.group(2));
        while (input.find()) {
            Map<String, String> attributes = attributes(input.group(1));
            if ("hidden".equalsIgnoreCase(attributes.get("type")) && attributes.containsKey("name")) {
                fields.put(attributes.get("name"), attributes.getOrDefault("value", "")); // the CSRF token
            }
        }
        fields.put("username", username);
        fields.put("password", password);
        return send(HttpRequest.newBuilder(action)
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields)))
                .build());
    }

    /** Follows redirects (GET) until a page, or until the redirect to the loopback address, which is not followed. */
    private HttpResponse<String> followUntilCallback(HttpResponse<String> response) throws SignInException, IOException, InterruptedException {
        for (int hops = 0; isRedirect(response) && !isCallback(response); hops++) {
            if (hops >= MAX_REDIRECTS) {
                throw new SignInException("Too many redirects, last to " + location(response), null);
            }
            response = send(get(response.uri().resolve(location(response)), "text/html"));
        }
        return response;
    }

    private static boolean isRedirect(HttpResponse<String> response) {
        return response.statusCode() / 100 == 3 && response.headers().firstValue("Location").isPresent();
    }

    private static boolean isCallback(HttpResponse<String> response) {
        return isRedirect(response) && location(response).startsWith(REDIRECT_URI);
    }

    private static String location(HttpResponse<String> response) {
        return response.headers().firstValue("Location").orElse("");
    }

    private static HttpRequest get(URI uri, String accept) {
        return HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", accept).GET().build();
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(field -> URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> parameters = new LinkedHashMap<>();
        String query = uri.getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int equals = pair.indexOf('=');
                String name = equals < 0 ? pair : pair.substring(0, equals);
                String value = equals < 0 ? "" : pair.substring(equals + 1);
                parameters.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
            }
        }
        return parameters;
    }

    private static Map<String, String> attributes(String tag) {
        Map<String, String> attributes = new LinkedHashMap<>();
        Matcher attribute = ATTRIBUTE.matcher(tag);
        while (attribute.find()) {
            String value = attribute.group(2) != null ? attribute.group(2) : attribute.group(3);
            attributes.put(attribute.group(1).toLowerCase(java.util.Locale.ROOT), unescapeHtml(value));
        }
        return attributes;
    }

    private static String unescapeHtml(String value) {
        return value.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    /**
     * The top-level string members of a JSON object: enough for the discovery document and the
     * token response, whose values we need are plain strings (no JSON library in the launcher).
     */
    private static Map<String, String> jsonStrings(HttpResponse<String> response, String what) throws SignInException {
        if (response.statusCode() != 200) {
            throw new SignInException("Cannot read " + what + " at " + response.uri() + ": HTTP " + response.statusCode(), null);
        }
        Map<String, String> strings = new LinkedHashMap<>();
        Matcher member = Pattern.compile("\"([^\"\\\\]+)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(response.body());
        while (member.find()) {
            strings.putIfAbsent(member.group(1), member.group(2).replace("\\/", "/"));
        }
        return strings;
    }

    private static String required(Map<String, String> json, String name) throws SignInException {
        String value = json.get(name);
        if (value == null || value.isBlank()) {
            throw new SignInException("The auth-server's answer has no " + name, null);
        }
        return value;
    }

    private static URI withoutTrailingSlash(URI uri) {
        String text = uri.toString();
        return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    }
}
