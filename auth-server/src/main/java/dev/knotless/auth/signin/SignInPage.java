package dev.knotless.auth.signin;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The sign-in form, as one small page without a template engine or scripts. After a failed
 * sign-in it says the same thing whatever the reason (unknown username, wrong password, locked
 * account), so that the page does not tell whether an account exists or is locked.
 */
@Controller
class SignInPage {

    static final String FAILED = "Sign-in failed. Check your username and password. After 5 failed attempts in a row an "
            + "account is locked for 15 minutes.";

    /** Where a sign-in that did not start at an application ends: there is nothing to do here. */
    @GetMapping("/")
    ResponseEntity<String> signedIn(java.security.Principal principal) {
        String html = """
                <!DOCTYPE html>
                <html lang="en">
                <head><meta charset="utf-8"><title>Signed in to Knotless</title></head>
                <body><main><h1>Signed in</h1><p>You are signed in as %s. Return to the Knotless application.</p></main></body>
                </html>
                """.formatted(org.springframework.web.util.HtmlUtils.htmlEscape(principal.getName()));
        return ResponseEntity.ok().contentType(MediaType.TEXT_HTML).cacheControl(CacheControl.noStore()).body(html);
    }

    @GetMapping("/login")
    ResponseEntity<String> page(@RequestParam(required = false) String error, @RequestParam(required = false) String logout,
            CsrfToken csrf) {
        String message = error != null ? "<p class=\"error\" role=\"alert\">" + FAILED + "</p>"
                : logout != null ? "<p role=\"status\">You have signed out.</p>" : "";
        String html = """
                <!DOCTYPE html>
                <html lang="en">
                <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Sign in to Knotless</title></head>
                <body>
                <main>
                <h1>Sign in to Knotless</h1>
                %s
                <form method="post" action="/login">
                <p><label for="username">Username</label><br><input id="username" name="username" autocomplete="username" required autofocus></p>
                <p><label for="password">Password</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>
                <input type="hidden" name="%s" value="%s">
                <p><button type="submit">Sign in</button></p>
                </form>
                </main>
                </body>
                </html>
                """.formatted(message, csrf.getParameterName(), csrf.getToken());
        return ResponseEntity.ok().contentType(MediaType.TEXT_HTML).cacheControl(CacheControl.noStore()).body(html);
    }
}
