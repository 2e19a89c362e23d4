package dev.knotless.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import org.junit.jupiter.api.Test;

class GatewayServicesTest {

    private final GatewayServices services = new GatewayServices(
            URI.create("http://localhost:8081"), URI.create("http://session-service"), URI.create("http://outcomes:8083"));

    @Test
    void namesTheServiceOfAnUpstreamByOrigin() {
        assertThat(services.nameOf(URI.create("http://localhost:8081/api/patients"))).hasValue("intake-service");
        assertThat(services.nameOf(URI.create("http://session-service:80"))).hasValue("session-service");
        assertThat(services.nameOf(URI.create("http://outcomes:8083"))).hasValue("outcomes-service");
        assertThat(services.nameOf(URI.create("http://localhost:9999"))).isEmpty();
        assertThat(services.nameOf(null)).isEmpty();
    }

    @Test
    void refusesAServiceUrlThatIsNotAnAbsoluteHttpUrl() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new GatewayServices(URI.create("localhost:8081"), URI.create("http://a"), URI.create("http://b")))
                .withMessageContaining("knotless.gateway.services.intake");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new GatewayServices(URI.create("http://a"), null, URI.create("http://b")))
                .withMessageContaining("knotless.gateway.services.session");
    }
}
