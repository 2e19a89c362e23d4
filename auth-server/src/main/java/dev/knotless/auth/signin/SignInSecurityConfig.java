package dev.knotless.auth.signin;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * Everything that is not an OAuth2/OIDC endpoint: the sign-in form (its own page, see
 * {@link SignInPage}) and health. Failures go to {@code /login?error} without the reason.
 * The form is checked by {@link StaffAuthenticationProvider}, the application's only
 * authentication provider bean, which Spring Security uses as the global one. (Registered on the
 * chain as well, it would be asked twice on a failure, the chain's manager falling back to its
 * parent, and every wrong password would count double towards the lock.)
 */
@Configuration(proxyBeanMethods = false)
class SignInSecurityConfig {

    @Bean
    @Order(2)
    SecurityFilterChain signInSecurity(HttpSecurity http) throws Exception {
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/login", "/error", "/actuator/health", "/actuator/health/**").permitAll()
                        .anyRequest().authenticated())
                .formLogin(form -> form.loginPage("/login").failureUrl("/login?error").permitAll())
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'none'; frame-ancestors 'none'"))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER)))
                .build();
    }
}
