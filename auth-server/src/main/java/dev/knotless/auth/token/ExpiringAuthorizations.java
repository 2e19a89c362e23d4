package dev.knotless.auth.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * Authorizations (codes, access and refresh tokens of each sign-in) in memory, as Spring's
 * {@link InMemoryOAuth2AuthorizationService} keeps them, but forgotten once every token in them has
 * expired: Spring's keeps a finished authorization until it is revoked, so every sign-in would add
 * to the heap for good. At most one sweep per {@link #SWEEP_INTERVAL}, on a save.
 */
final class ExpiringAuthorizations implements OAuth2AuthorizationService {

    static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);
    /** An authorization with no token yet (a sign-in under way) is kept this long. */
    static final Duration PENDING = Duration.ofMinutes(15);

    private final OAuth2AuthorizationService delegate = new InMemoryOAuth2AuthorizationService();
    private final Map<String, Instant> expiries = new ConcurrentHashMap<>();
    private final Clock clock;
    private final AtomicReference<Instant> nextSweep;

    ExpiringAuthorizations(Clock clock) {
        this.clock = clock;
        this.nextSweep = new AtomicReference<>(clock.instant().plus(SWEEP_INTERVAL));
    }

    @Override
    public void save(OAuth2Authorization authorization) {
        delegate.save(authorization);
        expiries.put(authorization.getId(), expiry(authorization));
        sweepWhenDue();
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
        delegate.remove(authorization);
        expiries.remove(authorization.getId());
    }

    @Override
    public OAuth2Authorization findById(String id) {
        return delegate.findById(id);
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        return delegate.findByToken(token, tokenType);
    }

    /** How many authorizations are kept (for the test). */
    int size() {
        return expiries.size();
    }

    private void sweepWhenDue() {
        Instant now = clock.instant();
        Instant due = nextSweep.get();
        if (now.isBefore(due) || !nextSweep.compareAndSet(due, now.plus(SWEEP_INTERVAL))) {
            return;
        }
        expiries.forEach((id, expiry) -> {
            if (!now.isBefore(expiry)) {
                OAuth2Authorization expired = delegate.findById(id);
                if (expired != null) {
                    delegate.remove(expired);
                }
                expiries.remove(id, expiry);
            }
        });
    }

    /** When its last token expires; a pending one (no token yet) some minutes from now. */
    private Instant expiry(OAuth2Authorization authorization) {
        return Stream.of(authorization.getRefreshToken(), authorization.getAccessToken(),
                        authorization.getToken(org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode.class),
                        authorization.getToken(org.springframework.security.oauth2.core.oidc.OidcIdToken.class))
                .filter(Objects::nonNull)
                .map(OAuth2Authorization.Token::getToken)
                .map(OAuth2Token::getExpiresAt)
                .filter(Objects::nonNull)
                .max(Instant::compareTo)
                .orElseGet(() -> clock.instant().plus(PENDING));
    }
}
