package dev.knotless.gateway;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Every failure of the gateway itself becomes an RFC 9457 problem detail, never an HTML page or a
 * bare 500: an unknown path is a 404, an oversize body a 413, and a service that is down, closes
 * the connection or does not answer in time a 503 {@code /problems/service-unavailable} naming the
 * service. Answers of the services themselves (their own problem details) pass through untouched.
 * Ordered before Boot's default handler.
 */
@Component
@Order(-2)
class ProblemErrorHandler implements ErrorWebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemErrorHandler.class);
    /** The services keep a POST's answer under its Idempotency-Key (platform/.../idempotency), so the same request may be sent again. */
    static final String SAFE_RETRY = " A POST sent again with the same Idempotency-Key is carried out at most once.";

    private final GatewayServices services;
    private final ServerResponse.Context context;

    ProblemErrorHandler(GatewayServices services, ServerCodecConfigurer codecs) {
        this.services = services;
        List<HttpMessageWriter<?>> writers = codecs.getWriters();
        this.context = new ServerResponse.Context() {
            @Override
            public List<HttpMessageWriter<?>> messageWriters() {
                return writers;
            }

            @Override
            public List<ViewResolver> viewResolvers() {
                return List.of();
            }
        };
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(error);
        }
        ProblemDetail problem = problemFor(exchange, error);
        return ServerResponse.status(problem.getStatus())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyValue(problem)
                .flatMap(response -> response.writeTo(exchange, context));
    }

    private ProblemDetail problemFor(ServerWebExchange exchange, Throwable error) {
        String requestId = RequestIdFilter.requestIdOf(exchange);
        String path = exchange.getRequest().getURI().getRawPath();
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        ProblemDetail problem = find(error, OAuth2AuthorizationException.class).map(ProblemErrorHandler::signInAgain)
                .or(() -> Optional.ofNullable(route)
                .filter(routed -> find(error, RequestBodyLimitGatewayFilterFactory.BodyTooLargeException.class).isEmpty())
                .flatMap(routed -> upstreamFailure(error, service(routed))))
                .orElseGet(() -> ownFailure(error, path, requestId));
        problem.setInstance(URI.create(path));
        if (requestId != null) {
            problem.setProperty("requestId", requestId);
        }
        if (route != null && problem.getStatus() == HttpStatus.SERVICE_UNAVAILABLE.value()) {
            log.warn("{} unavailable for request {}: {}", problem.getProperties().get("service"), requestId, error.toString());
        }
        return problem;
    }

    /** A browser's session tokens could not be renewed (refresh token expired, auth-server restarted): sign in again. */
    private static ProblemDetail signInAgain(OAuth2AuthorizationException failure) {
        log.info("Tokens of a session could not be renewed: {}", failure.getError().getErrorCode());
        return problem(HttpStatus.UNAUTHORIZED, "unauthorized", "Sign-in required", "The session's sign-in has expired; sign in again.");
    }

    private String service(Route route) {
        return services.nameOf(route.getUri()).orElse(route.getId());
    }

    /** A routed request whose service could not be reached or did not answer: 503. */
    static Optional<ProblemDetail> upstreamFailure(Throwable error, String service) {
        String why = null;
        for (Throwable cause = error; cause != null && why == null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
                why = service + " is not reachable right now; the request was not delivered. Try again shortly.";
            } else if (cause instanceof org.springframework.cloud.gateway.support.TimeoutException
                    || cause instanceof TimeoutException
                    || cause instanceof ResponseStatusException status && status.getStatusCode() == HttpStatus.GATEWAY_TIMEOUT) {
                why = service + " did not answer in time; the request may or may not have been carried out." + SAFE_RETRY;
            } else if (cause instanceof IOException) {
                why = service + " closed the connection before answering; the request may or may not have been carried out." + SAFE_RETRY;
            }
        }
        if (why == null) {
            return Optional.empty();
        }
        ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service unavailable", why);
        problem.setProperty("service", service);
        return Optional.of(problem);
    }

    /** What the gateway refuses on its own: unknown paths, oversize bodies, anything unexpected. */
    static ProblemDetail ownFailure(Throwable error, String path, String requestId) {
        Optional<ResponseStatusException> refused = find(error, ResponseStatusException.class);
        if (refused.isPresent()) {
            ResponseStatusException refusal = refused.get();
            HttpStatus status = HttpStatus.resolve(refusal.getStatusCode().value());
            if (status == HttpStatus.NOT_FOUND) {
                return problem(status, "not-found", "Not found", "Nothing is served at " + path);
            }
            if (status == HttpStatus.CONTENT_TOO_LARGE) {
                return problem(status, "payload-too-large", "Request body too large", refusal.getReason());
            }
            if (status != null && status.is4xxClientError()) {
                return problem(status, status.name().toLowerCase().replace('_', '-'), status.getReasonPhrase(),
                        refusal.getReason() == null ? status.getReasonPhrase() : refusal.getReason());
            }
        }
        log.error("Unexpected gateway failure for request {}", requestId, error);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error",
                "Something went wrong in the gateway; quote the request id when you report it.");
    }

    private static <T extends Throwable> Optional<T> find(Throwable error, Class<T> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return Optional.of(type.cast(cause));
            }
        }
        return Optional.empty();
    }

    private static ProblemDetail problem(HttpStatus status, String slug, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("/problems/" + slug));
        problem.setTitle(title);
        return problem;
    }
}
