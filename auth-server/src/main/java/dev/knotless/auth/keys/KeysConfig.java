package dev.knotless.auth.keys;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.knotless.auth.AuthProperties;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

@Configuration(proxyBeanMethods = false)
class KeysConfig {

    private static final Logger log = LoggerFactory.getLogger(KeysConfig.class);

    @Bean
    SigningKeys signingKeys(AuthProperties properties, Clock clock) {
        Path dir = properties.keysDir().toAbsolutePath().normalize();
        SigningKeys keys = SigningKeys.loadOrGenerate(dir, clock);
        log.info("Signing with key {} from {}; {} key(s) published", keys.current().getKeyID(), dir, keys.all().size());
        return keys;
    }

    /** Every key: what {@code /oauth2/jwks} publishes (public parts only) and what the userinfo endpoint verifies with. */
    @Bean
    JWKSource<SecurityContext> jwkSource(SigningKeys keys) {
        return new ImmutableJWKSet<>(new JWKSet(keys.all().stream().map(key -> (com.nimbusds.jose.jwk.JWK) key).toList()));
    }

    /** The newest key only: with several RS256 keys to choose from, Nimbus would refuse to pick one. */
    @Bean
    JwtEncoder jwtEncoder(SigningKeys keys) {
        return new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(keys.current())));
    }
}
