package dev.knotless.auth.signin;

import dev.knotless.auth.account.StaffAccount;
import dev.knotless.auth.account.StaffAccounts;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * The sign-in form's check: one lookup of the account by username, the password against its hash,
 * and the lockout rule of {@link StaffAccount}. An unknown username, a disabled and a locked account
 * cost a hash comparison too, so that the time taken does not tell them apart from a wrong password.
 */
@Component
class StaffAuthenticationProvider implements AuthenticationProvider {

    private static final Logger log = LoggerFactory.getLogger(StaffAuthenticationProvider.class);

    private final StaffAccounts accounts;
    private final PasswordEncoder passwordEncoder;
    private final Clock clock;
    private final String unusedHash;

    StaffAuthenticationProvider(StaffAccounts accounts, PasswordEncoder passwordEncoder, Clock clock) {
        this.accounts = accounts;
        this.passwordEncoder = passwordEncoder;
        this.clock = clock;
        this.unusedHash = passwordEncoder.encode(UUID.randomUUID().toString());
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        String username = authentication.getName() == null ? "" : authentication.getName().trim();
        String password = authentication.getCredentials() == null ? "" : authentication.getCredentials().toString();
        Optional<StaffAccount> found = accounts.find(username);
        if (found.isEmpty()) {
            passwordEncoder.matches(password, unusedHash);
            throw new BadCredentialsException("Bad credentials");
        }
        StaffAccount account = found.get();
        if (account.isDisabled()) {
            passwordEncoder.matches(password, unusedHash);
            log.info("Sign-in refused for {}: the account is disabled", account.username());
            throw new BadCredentialsException("Bad credentials");
        }
        if (account.isLocked(clock)) {
            passwordEncoder.matches(password, unusedHash);
            log.info("Sign-in refused for {}: the account is locked", account.username());
            throw new LockedException("Locked");
        }
        if (!passwordEncoder.matches(password, account.passwordHash())) {
            StaffAccount updated = accounts.update(username, stored -> {
                stored.signInFailed(clock);
                return true;
            }).orElse(account);
            if (updated.isLocked(clock)) {
                log.warn("Account {} locked for {} after {} failed sign-ins in a row", account.username(), StaffAccount.LOCK_DURATION,
                        StaffAccount.MAX_FAILURES);
            }
            throw new BadCredentialsException("Bad credentials");
        }
        accounts.update(username, StaffAccount::signInSucceeded);
        // The password factor with its time: the ID token's auth_time comes from it.
        var signedIn = UsernamePasswordAuthenticationToken.authenticated(account.username(), null, List.of(
                new SimpleGrantedAuthority("ROLE_" + account.role().name()),
                FactorGrantedAuthority.withAuthority(FactorGrantedAuthority.PASSWORD_AUTHORITY).issuedAt(clock.instant()).build()));
        signedIn.setDetails(authentication.getDetails());
        return signedIn;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
