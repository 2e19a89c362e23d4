package dev.knotless.gateway.audit;

import dev.knotless.gateway.GatewayServices;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.client.loadbalancer.reactive.ReactorLoadBalancerExchangeFilterFunction;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads one page of one service's audit trail, as the caller: its access token as bearer, the
 * gateway's request id. From one of the service's instances, chosen by Spring Cloud LoadBalancer as
 * for the routes (they share one database); a GET that could not connect is tried once more, on
 * another instance when there is one. Its own connection pool, with the routes' connect timeout, idle time and
 * response timeout ({@code spring.cloud.gateway.server.webflux.httpclient.*}), so a service that is
 * down or hangs fails here as it does on a routed request. Not the routes' HttpClient bean: a
 * WebClient on it left the gateway's tests' server not reading a later browser's connection (seen
 * only with several gateway contexts in one JVM; the cause is not understood).
 */
@Component
class AuditClient {

    static final String REQUEST_ID = "X-Request-Id";
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DEFAULT_MAX_IDLE = Duration.ofSeconds(15);
    private static final int DEFAULT_CONNECT_MILLIS = 2000;
    private static final int MAX_PAGE_BYTES = 8 * 1024 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, URI> services = new LinkedHashMap<>();
    private final WebClient web;
    private final Duration timeout;

    AuditClient(GatewayServices services, HttpClientProperties httpClient, ReactiveLoadBalancer.Factory<ServiceInstance> loadBalancers) {
        // http://<service id>: the load balancer's filter puts one instance's address in its place.
        services.byServiceId().keySet().forEach(serviceId -> this.services.put(serviceId, URI.create("http://" + serviceId)));
        this.web = WebClient.builder()
                .filter(new ReactorLoadBalancerExchangeFilterFunction(loadBalancers, List.of()))
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create(ConnectionProvider.builder("audit")
                                .maxIdleTime(httpClient.getPool().getMaxIdleTime() != null ? httpClient.getPool().getMaxIdleTime() : DEFAULT_MAX_IDLE)
                                .build())
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, httpClient.getConnectTimeout() != null ? httpClient.getConnectTimeout() : DEFAULT_CONNECT_MILLIS)))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(MAX_PAGE_BYTES))
                .build();
        this.timeout = httpClient.getResponseTimeout() != null ? httpClient.getResponseTimeout() : DEFAULT_TIMEOUT;
    }

    /** The services whose trails make up a clinic's, in the order they are asked and named. */
    List<String> services() {
        return List.copyOf(services.keySet());
    }

    /** Never an error: a failure is an {@link ServiceAnswer.Unavailable} naming the service. */
    Mono<ServiceAnswer> page(AuditCursor query, AuditMerge.Fetch fetch, String bearer, String requestId) {
        String service = fetch.service();
        UriComponentsBuilder uri = UriComponentsBuilder.fromUri(services.get(service))
                .path("/api/clinics/{clinicId}/audit")
                .queryParam("from", "{from}")
                .queryParam("to", "{to}")
                .queryParam("limit", fetch.limit());
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("clinicId", query.clinicId());
        values.put("from", query.from().toString());
        values.put("to", query.to().toString());
        if (query.patientId() != null) {
            uri.queryParam("patientId", "{patientId}");
            values.put("patientId", query.patientId());
        }
        if (fetch.cursor() != null) {
            uri.queryParam("cursor", "{cursor}");
            values.put("cursor", fetch.cursor());
        }
        return web.get()
                .uri(uri.encode().buildAndExpand(values).toUri())
                .headers(headers -> {
                    headers.setBearerAuth(bearer);
                    headers.set(REQUEST_ID, requestId);
                    headers.setAccept(List.of(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON));
                })
                .exchangeToMono(response -> response.bodyToMono(byte[].class)
                        .defaultIfEmpty(new byte[0])
                        .map(body -> answer(service, response, body)))
                .retryWhen(Retry.max(1).filter(AuditClient::notConnected))
                .timeout(timeout)
                .onErrorResume(failure -> Mono.just(new ServiceAnswer.Unavailable(service, why(service, failure))));
    }

    private static ServiceAnswer answer(String service, ClientResponse response, byte[] body) {
        int status = response.statusCode().value();
        if (status >= 200 && status < 300) {
            try {
                return new ServiceAnswer.Page(service, ServicePage.parse(JSON.readTree(body), service));
            } catch (RuntimeException e) {
                return new ServiceAnswer.Unavailable(service, service + " answered with something that is not an audit page ("
                        + e.getMessage() + ")");
            }
        }
        if (status >= 400 && status < 500) {
            return new ServiceAnswer.Refused(service, status,
                    response.headers().contentType().map(MediaType::toString).orElse(MediaType.APPLICATION_PROBLEM_JSON_VALUE),
                    body, response.headers().asHttpHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE));
        }
        return new ServiceAnswer.Unavailable(service, service + " answered " + status);
    }

    private static boolean notConnected(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    private static String why(String service, Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
                return service + " is not reachable right now";
            }
            if (cause instanceof TimeoutException) {
                return service + " did not answer in time";
            }
            if (cause instanceof IOException) {
                return service + " closed the connection before answering";
            }
        }
        return service + " could not be read (" + failure.getClass().getSimpleName() + ")";
    }
}
