package dev.knotless.platform.security;

import java.util.List;
import java.util.Map;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;

/**
 * A request authenticated by a verified JWT; its principal is the {@link StaffMember}, so controllers
 * take {@code @AuthenticationPrincipal StaffMember staff}.
 */
public class StaffAuthentication extends AbstractOAuth2TokenAuthenticationToken<Jwt> {

    private final StaffMember staff;

    public StaffAuthentication(Jwt jwt, StaffMember staff) {
        super(jwt, staff, jwt, List.of(new SimpleGrantedAuthority(staff.role().authority())));
        this.staff = staff;
        setAuthenticated(true);
    }

    public StaffMember staff() {
        return staff;
    }

    @Override
    public Map<String, Object> getTokenAttributes() {
        return getToken().getClaims();
    }

    @Override
    public String getName() {
        return staff.subject();
    }
}
