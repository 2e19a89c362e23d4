package dev.knotless.gateway.audit;

import dev.knotless.gateway.GatewaySettings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /api/clinics/{clinicId}/audit?patientId=&from=&to=&limit=&cursor=}: a clinic's audit
 * trail across intake-, session- and outcomes-service in one page, answered by the gateway itself
 * (ahead of the route that sends the rest of {@code /api/clinics/**} to outcomes-service).
 *
 * <p>It asks each service for its part as the caller (the same bearer token the route would
 * relay), so each service still decides who may read and records the query in its own trail, and
 * merges the pages by {@code at}, service, request id ({@link AuditMerge}). All or nothing: a
 * service's refusal is passed on as it came (401, 403, 404, a 400) with no records, and a service
 * that is down, too slow or answers a 5xx makes the whole answer a 503 naming it, never a trail
 * with a service's part silently missing.
 *
 * <p>The window is fixed by the first page: {@code to} defaults to now (exclusive), {@code from} to
 * a day before {@code to}; the cursor {@code next} carries it and each service's position, so
 * following {@code next} (with or without repeating the query's parameters) reads every record in
 * the window exactly once.
 */
@RestController
class AuditQueryController {

    private static final Logger log = LoggerFactory.getLogger(AuditQueryController.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int DEFAULT_LIMIT = 100;
    /** Refusals passed on in this order when the services disagree: the most basic first. */
    private static final List<Integer> REFUSAL_ORDER = List.of(401, 403, 404);

    private final AuditClient client;
    private final ReactiveOAuth2AuthorizedClientManager authorizedClients;
    private final Clock clock;
    private final int maxPagesPerService;

    AuditQueryController(AuditClient client, ReactiveOAuth2AuthorizedClientManager authorizedClients, Clock clock, GatewaySettings settings) {
        this.client = client;
        this.authorizedClients = authorizedClients;
        this.clock = clock;
        this.maxPagesPerService = settings.audit().maxPagesPerService();
    }

    @GetMapping("/api/clinics/{clinicId}/audit")
    Mono<ResponseEntity<byte[]>> audit(@PathVariable String clinicId, ServerWebExchange exchange) {
        AuditCursor query;
        int limit;
        try {
            MultiValueMap<String, String> params = exchange.getRequest().getQueryParams();
            limit = limit(params.getFirst("limit"));
            query = query(clinicId, params);
        } catch (InvalidParameter invalid) {
            return Mono.just(problem(exchange, HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                    invalid.field + ": " + invalid.getMessage(), Map.of("errors", List.of(Map.of("field", invalid.field, "message", invalid.getMessage())))));
        }
        String requestId = Objects.requireNonNullElse(exchange.getRequest().getHeaders().getFirst(AuditClient.REQUEST_ID), UUID.randomUUID().toString());
        AuditMerge merge = new AuditMerge(query, limit, maxPagesPerService);
        return bearer(exchange)
                .flatMap(token -> merge(merge, token, requestId, exchange))
                .switchIfEmpty(Mono.fromSupplier(() -> problem(exchange, HttpStatus.UNAUTHORIZED, "unauthorized", "Sign-in required",
                        "Send an access token (Authorization: Bearer ...) or sign in.", Map.of())));
    }

    /** The caller's access token: an API client's own, or a signed-in browser's from its session (renewed as TokenRelay does). */
    private Mono<String> bearer(ServerWebExchange exchange) {
        return exchange.getPrincipal().flatMap(principal -> switch (principal) {
            case AbstractOAuth2TokenAuthenticationToken<?> api -> Mono.just(api.getToken().getTokenValue());
            case OAuth2AuthenticationToken browser -> authorizedClients.authorize(OAuth2AuthorizeRequest
                            .withClientRegistrationId(browser.getAuthorizedClientRegistrationId())
                            .principal((Authentication) browser)
                            .attribute(ServerWebExchange.class.getName(), exchange)
                            .build())
                    .map(authorized -> authorized.getAccessToken().getTokenValue());
            default -> Mono.empty();
        });
    }

    private Mono<ResponseEntity<byte[]>> merge(AuditMerge merge, String bearer, String requestId, ServerWebExchange exchange) {
        List<AuditMerge.Fetch> fetches = merge.advance();
        if (fetches.isEmpty()) {
            return Mono.just(page(merge.result(), merge));
        }
        AuditCursor query = merge.query();
        return Flux.fromIterable(fetches)
                .flatMap(fetch -> client.page(query, fetch, bearer, requestId))
                .collectList()
                .flatMap(unordered -> {
                    List<String> order = client.services();
                    List<ServiceAnswer> answers = unordered.stream().sorted(Comparator.comparingInt(answer -> order.indexOf(answer.service()))).toList();
                    Optional<ResponseEntity<byte[]>> failed = refusal(answers).or(() -> unavailable(answers, requestId, exchange));
                    if (failed.isPresent()) {
                        return Mono.just(failed.get());
                    }
                    answers.forEach(answer -> merge.accept(answer.service(), ((ServiceAnswer.Page) answer).page()));
                    return merge(merge, bearer, requestId, exchange);
                });
    }

    /** A service's refusal, passed on as it came; the services agree on it unless one of them is misconfigured. */
    private static Optional<ResponseEntity<byte[]>> refusal(List<ServiceAnswer> answers) {
        return answers.stream()
                .filter(ServiceAnswer.Refused.class::isInstance)
                .map(ServiceAnswer.Refused.class::cast)
                .min(Comparator.comparingInt(refused -> {
                    int rank = REFUSAL_ORDER.indexOf(refused.status());
                    return rank < 0 ? REFUSAL_ORDER.size() : rank;
                }))
                .map(refused -> {
                    log.debug("Audit query refused by {}: {}", refused.service(), refused.status());
                    var response = ResponseEntity.status(refused.status()).header(HttpHeaders.CONTENT_TYPE, refused.contentType());
                    if (refused.wwwAuthenticate() != null) {
                        response.header(HttpHeaders.WWW_AUTHENTICATE, refused.wwwAuthenticate());
                    }
                    return response.body(refused.body());
                });
    }

    /** Fail closed: one service's part missing is no trail at all. */
    private static Optional<ResponseEntity<byte[]>> unavailable(List<ServiceAnswer> answers, String requestId, ServerWebExchange exchange) {
        List<ServiceAnswer.Unavailable> down = answers.stream()
                .filter(ServiceAnswer.Unavailable.class::isInstance)
                .map(ServiceAnswer.Unavailable.class::cast)
                .toList();
        if (down.isEmpty()) {
            return Optional.empty();
        }
        down.forEach(failure -> log.warn("Audit query {}: {}", requestId, failure.why()));
        List<String> services = down.stream().map(ServiceAnswer.Unavailable::service).toList();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("service", services.getFirst());
        extra.put("services", services);
        return Optional.of(problem(exchange, HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service unavailable",
                "The audit trail of " + String.join(" and ", services) + " could not be read ("
                        + String.join("; ", down.stream().map(ServiceAnswer.Unavailable::why).toList())
                        + "); no records are returned, since a trail without its part would look complete. Try again shortly.",
                extra));
    }

    private static ResponseEntity<byte[]> page(AuditMerge.Result result, AuditMerge merge) {
        AuditCursor query = merge.query();
        ObjectNode page = JSON.createObjectNode();
        page.put("clinicId", query.clinicId());
        page.put("from", query.from().toString());
        page.put("to", query.to().toString());
        ArrayNode records = page.putArray("records");
        result.records().forEach(records::add);
        page.put("next", result.next() == null ? null : result.next().encode());
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(JSON.writeValueAsBytes(page));
    }

    // --- the query --------------------------------------------------------------------------------

    /** The window and filter of this query: from its parameters on a first page, from the cursor after. */
    private AuditCursor query(String clinicId, MultiValueMap<String, String> params) {
        Instant from = instant("from", params.getFirst("from"));
        Instant to = instant("to", params.getFirst("to"));
        String patientId = patientId(params.getFirst("patientId"));
        String cursor = params.getFirst("cursor");
        if (cursor != null) {
            AuditCursor position;
            try {
                position = AuditCursor.decode(cursor, new LinkedHashSet<>(client.services()));
            } catch (IllegalArgumentException e) {
                throw new InvalidParameter("cursor", "must be the next value of a previous page");
            }
            if (!position.clinicId().equals(clinicId) || differs(from, position.from()) || differs(to, position.to())
                    || differs(patientId, position.patientId())) {
                throw new InvalidParameter("cursor", "belongs to another query (clinic, from, to or patientId differ)");
            }
            return position;
        }
        // Exclusive, to the millisecond the services store: a record of this very query is not in it.
        Instant end = to != null ? to : clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant start = from != null ? from : end.minus(Duration.ofDays(1));
        if (!start.isBefore(end)) {
            throw new InvalidParameter("from", "must be before to");
        }
        return AuditCursor.start(clinicId, start, end, patientId, client.services());
    }

    private static boolean differs(Object given, Object inCursor) {
        return given != null && !given.equals(inCursor);
    }

    private static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value.strip());
            if (limit >= 1 && limit <= AuditCursor.MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new InvalidParameter("limit", "must be between 1 and " + AuditCursor.MAX_LIMIT);
    }

    private static Instant instant(String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new InvalidParameter(field, "must be an ISO-8601 instant such as 2026-12-01T00:00:00Z");
        }
    }

    private static String patientId(String value) {
        if (value == null) {
            return null;
        }
        try {
            return UUID.fromString(value.strip()).toString();
        } catch (IllegalArgumentException e) {
            throw new InvalidParameter("patientId", "must be a patient id (a UUID)");
        }
    }

    private static ResponseEntity<byte[]> problem(ServerWebExchange exchange, HttpStatus status, String slug, String title, String detail,
                                                  Map<String, Object> extra) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "/problems/" + slug);
        problem.put("title", title);
        problem.put("status", status.value());
        problem.put("detail", detail);
        problem.put("instance", URI.create(exchange.getRequest().getURI().getRawPath()).toString());
        String requestId = exchange.getRequest().getHeaders().getFirst(AuditClient.REQUEST_ID);
        if (requestId != null) {
            problem.put("requestId", requestId);
        }
        problem.putAll(extra);
        var response = ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (status == HttpStatus.UNAUTHORIZED) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return response.body(JSON.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8));
    }

    private static final class InvalidParameter extends RuntimeException {

        final String field;

        InvalidParameter(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }
    }
}
