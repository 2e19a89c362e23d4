package dev.knotless.gateway.security;

import dev.knotless.gateway.GatewaySettings;
import java.time.Clock;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import org.springframework.web.server.session.CookieWebSessionIdResolver;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.InMemoryWebSessionStore;
import org.springframework.web.server.session.WebSessionManager;
import reactor.core.publisher.Mono;

/**
 * Browser sessions in the gateway's memory (one gateway per installation; a restart signs browsers
 * out): a session untouched for {@code knotless.gateway.session.idle-timeout} (15 minutes) is over,
 * and with it the tokens it held. Time comes from the application's {@link Clock}. The cookie is
 * HttpOnly and SameSite=Lax (sent on the auth-server's redirect back, not on another site's writes).
 */
@Configuration(proxyBeanMethods = false)
class SessionConfig {

    static final String COOKIE = "SESSION";

    @Bean(WebHttpHandlerBuilder.WEB_SESSION_MANAGER_BEAN_NAME)
    WebSessionManager webSessionManager(GatewaySettings settings, Clock clock) {
        Duration idleTimeout = settings.session().idleTimeout();
        InMemoryWebSessionStore store = new InMemoryWebSessionStore() {
            @Override
            public Mono<WebSession> createWebSession() {
                return super.createWebSession().doOnNext(session -> session.setMaxIdleTime(idleTimeout));
            }
        };
        store.setClock(clock);
        CookieWebSessionIdResolver cookies = new CookieWebSessionIdResolver();
        cookies.setCookieName(COOKIE);
        cookies.addCookieInitializer(cookie -> cookie.httpOnly(true).sameSite("Lax").path("/"));
        DefaultWebSessionManager manager = new DefaultWebSessionManager();
        manager.setSessionStore(store);
        manager.setSessionIdResolver(cookies);
        return manager;
    }
}
