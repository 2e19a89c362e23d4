package dev.knotless.auth.account;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

@Configuration(proxyBeanMethods = false)
class AccountConfig {

    /**
     * Spring Security's delegating encoder: new hashes are bcrypt ({@code {bcrypt}...}), and the
     * prefix lets a later default (argon2) verify the older hashes. Also hashes the gateway's client secret.
     */
    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }
}
