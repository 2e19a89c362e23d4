package dev.knotless.testsupport;

import dev.knotless.platform.security.Role;
import dev.knotless.platform.security.StaffMember;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.MockMvcBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;

/**
 * For a service's web slices (the services are resource servers): the service's security rules
 * stay on, every request is made as therapist-a of clinic-a, and no token is ever decoded. Tokens
 * themselves are checked by the ITs against {@link TestTokens}' issuer.
 */
@TestConfiguration(proxyBeanMethods = false)
public class WebSliceAuthentication {

    public static final StaffMember THERAPIST_A = new StaffMember("therapist-a", Role.THERAPIST, "clinic-a");

    /** No token is decoded in a slice: requests carry an authentication instead. */
    @Bean
    JwtDecoder jwtDecoder() {
        return token -> {
            throw new BadJwtException("web slices authenticate without tokens");
        };
    }

    @Bean
    MockMvcBuilderCustomizer asTherapistOfClinicA() {
        return builder -> builder.defaultRequest(MockMvcRequestBuilders.get("/")
                .with(SecurityMockMvcRequestPostProcessors.authentication(TestTokens.authenticationOf(THERAPIST_A))));
    }
}
