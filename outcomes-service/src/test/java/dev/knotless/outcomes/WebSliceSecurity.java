package dev.knotless.outcomes;

import static org.mockito.Mockito.mock;

import dev.knotless.platform.audit.AuditStore;
import dev.knotless.platform.audit.AuditTrail;
import dev.knotless.platform.security.Role;
import dev.knotless.platform.security.StaffMember;
import dev.knotless.testsupport.TestTokens;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.MockMvcBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;

/**
 * What the web slices share since the service is a resource server: its security rules, with every
 * request made as therapist-a of clinic-a, and the audit trail's clinic check (the records are the
 * ITs' business: no store here). Tokens themselves are checked by the ITs.
 */
@TestConfiguration(proxyBeanMethods = false)
public class WebSliceSecurity {

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

    @Bean
    AuditTrail auditTrail() {
        return new AuditTrail(mock(AuditStore.class));
    }
}
