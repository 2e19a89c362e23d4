package dev.knotless.outcomes;

import static org.mockito.Mockito.mock;

import dev.knotless.platform.audit.AuditStore;
import dev.knotless.platform.audit.AuditTrail;
import dev.knotless.platform.security.StaffMember;
import dev.knotless.testsupport.WebSliceAuthentication;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * What the web slices share since the service is a resource server: its security rules, with every
 * request made as therapist-a of clinic-a, and the audit trail's clinic check (the records are the
 * ITs' business: no store here). Tokens themselves are checked by the ITs.
 */
@TestConfiguration(proxyBeanMethods = false)
@Import(WebSliceAuthentication.class)
public class WebSliceSecurity {

    public static final StaffMember THERAPIST_A = WebSliceAuthentication.THERAPIST_A;

    @Bean
    AuditTrail auditTrail() {
        return new AuditTrail(mock(AuditStore.class));
    }
}
