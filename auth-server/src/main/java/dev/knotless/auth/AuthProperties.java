package dev.knotless.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code knotless.auth.*}: the auth-server's own settings (application.yml names the environment
 * variable behind each).
 *
 * @param issuer         the base URL tokens name as {@code iss}; blank: derived from each request (tests)
 * @param keysDir        where the RSA signing keys are kept, one JSON Web Key file each
 * @param accessTokenTtl how long an access token is valid
 * @param clients        the two registered clients
 * @param demoAccounts   the four demo accounts of {@code ./knotless up}
 * @param bootstrap      the first account of an installation without demo accounts
 */
@ConfigurationProperties("knotless.auth")
public record AuthProperties(
        String issuer,
        Path keysDir,
        @DefaultValue("15m") Duration accessTokenTtl,
        @DefaultValue Clients clients,
        @DefaultValue DemoAccounts demoAccounts,
        @DefaultValue Bootstrap bootstrap) {

    /**
     * @param gateway the confidential client the gateway signs browsers in with
     * @param cli     the public client of {@code ./knotless token}
     */
    public record Clients(@DefaultValue Gateway gateway, @DefaultValue Cli cli) {
    }

    /**
     * @param secret                 the client secret; blank: the gateway client is not registered
     * @param redirectUris           {@code {gateway}/login/oauth2/code/knotless}
     * @param postLogoutRedirectUris where the gateway may send a browser after signing out
     * @param refreshTokenTtl        how long the gateway may renew access tokens without a new sign-in
     */
    public record Gateway(
            String secret,
            @DefaultValue("http://localhost:8080/login/oauth2/code/knotless") List<String> redirectUris,
            @DefaultValue("http://localhost:8080/") List<String> postLogoutRedirectUris,
            @DefaultValue("8h") Duration refreshTokenTtl) {

        public boolean enabled() {
            return secret != null && !secret.isBlank();
        }
    }

    /** @param redirectUri a loopback address (RFC 8252); nothing needs to listen there */
    public record Cli(@DefaultValue("http://127.0.0.1/callback") String redirectUri) {
    }

    /**
     * @param enabled        create the demo accounts when missing (off unless asked for)
     * @param password       their password when first created; blank: generated and printed once
     * @param resetPasswords set the existing demo accounts' password again (a lost generated one), and unlock them
     */
    public record DemoAccounts(@DefaultValue("false") boolean enabled, String password, @DefaultValue("false") boolean resetPasswords) {
    }

    /**
     * The first account, created once per database ({@code KNOTLESS_AUTH_BOOTSTRAP_*}).
     *
     * @param username blank: no bootstrap
     * @param role     {@code CLINIC_ADMIN} (who then creates the clinic's staff) or {@code OPERATOR}
     * @param clinicId the clinic of a clinic admin
     * @param password from the environment only; never logged; remove it once the account exists
     */
    public record Bootstrap(String username, @DefaultValue("CLINIC_ADMIN") String role, String clinicId, String password) {

        public boolean requested() {
            return username != null && !username.isBlank();
        }
    }
}
