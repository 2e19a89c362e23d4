package dev.knotless.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayServicesTest {

    private final GatewayServices services = new GatewayServices(
            List.of(URI.create("http://localhost:8081"), URI.create("http://localhost:8181")),
            List.of(URI.create("http://session-service")), List.of(URI.create("http://outcomes:8083")));

    @Test
    void namesTheServiceOfAnUpstreamByOriginOrServiceId() {
        assertThat(services.nameOf(URI.create("http://localhost:8081/api/patients"))).hasValue("intake-service");
        assertThat(services.nameOf(URI.create("http://localhost:8181/api/patients"))).as("a second instance").hasValue("intake-service");
        assertThat(services.nameOf(URI.create("http://session-service:80"))).hasValue("session-service");
        assertThat(services.nameOf(URI.create("http://outcomes:8083"))).hasValue("outcomes-service");
        assertThat(services.nameOf(URI.create("lb://outcomes-service"))).as("a route's uri").hasValue("outcomes-service");
        assertThat(services.nameOf(URI.create("lb://billing-service"))).isEmpty();
        assertThat(services.nameOf(URI.create("http://localhost:9999"))).isEmpty();
        assertThat(services.nameOf(null)).isEmpty();
    }

    @Test
    void refusesAServiceUrlThatIsNotAnAbsoluteHttpUrl() {
        List<URI> some = List.of(URI.create("http://a"));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new GatewayServices(List.of(URI.create("http://a:1"), URI.create("localhost:8081")), some, some))
                .withMessageContaining("knotless.gateway.services.intake");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new GatewayServices(some, null, some))
                .withMessageContaining("knotless.gateway.services.session");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new GatewayServices(some, some, List.of()))
                .withMessageContaining("knotless.gateway.services.outcomes");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new GatewayServices(some, List.of(URI.create("http://b:1"), URI.create("http://b:1")), some))
                .withMessageContaining("twice");
    }
}
