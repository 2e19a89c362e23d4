package dev.knotless.auth.staff;

import dev.knotless.auth.account.StaffAccount;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/staff}: a clinic admin's list of their clinic's accounts, and creating, disabling,
 * enabling, unlocking an account and setting its password. The admin and the clinic come from the
 * bearer token only ({@link StaffApiSecurityConfig}). Bodies are read strictly: a field that is not
 * known, or not a string, is a 400 naming it.
 */
@RestController
@RequestMapping("/api/staff")
class StaffController {

    /**
     * An account as the API shows it: never its password hash.
     *
     * @param locked      whether failed sign-ins lock it now (until {@code lockedUntil})
     */
    record AccountView(String username, String clinicId, String role, boolean disabled, boolean locked, Instant lockedUntil) {
    }

    record StaffList(String clinicId, List<AccountView> accounts) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final StaffManagement staff;
    private final Clock clock;

    StaffController(StaffManagement staff, Clock clock) {
        this.staff = staff;
        this.clock = clock;
    }

    @GetMapping
    ResponseEntity<StaffList> list(@AuthenticationPrincipal Jwt token) {
        StaffManagement.Admin admin = admin(token);
        return ok(new StaffList(admin.clinicId(), staff.list(admin).stream().map(this::view).toList()));
    }

    @GetMapping("/{username}")
    ResponseEntity<AccountView> get(@AuthenticationPrincipal Jwt token, @PathVariable String username) {
        return ok(view(staff.get(admin(token), username)));
    }

    /** {@code {"username": "...", "role": "THERAPIST" | "CLINIC_ADMIN", "password": "..."}}: 201 with the account. */
    @PostMapping
    ResponseEntity<AccountView> create(@AuthenticationPrincipal Jwt token, @RequestBody(required = false) String body) {
        Map<String, String> fields = fields(body, Set.of("username", "role", "password"));
        StaffAccount created = staff.create(admin(token), fields.get("username"), fields.get("role"), fields.get("password"));
        return ResponseEntity.created(URI.create("/api/staff/" + created.username())).cacheControl(CacheControl.noStore()).body(view(created));
    }

    @PostMapping("/{username}/disable")
    ResponseEntity<AccountView> disable(@AuthenticationPrincipal Jwt token, @PathVariable String username) {
        return ok(view(staff.disable(admin(token), username)));
    }

    @PostMapping("/{username}/enable")
    ResponseEntity<AccountView> enable(@AuthenticationPrincipal Jwt token, @PathVariable String username) {
        return ok(view(staff.enable(admin(token), username)));
    }

    @PostMapping("/{username}/unlock")
    ResponseEntity<AccountView> unlock(@AuthenticationPrincipal Jwt token, @PathVariable String username) {
        return ok(view(staff.unlock(admin(token), username)));
    }

    /** {@code {"password": "..."}}: the admin sets a new password (unlocks the account, ends its earlier sign-ins). */
    @PostMapping("/{username}/password")
    ResponseEntity<AccountView> resetPassword(@AuthenticationPrincipal Jwt token, @PathVariable String username,
            @RequestBody(required = false) String body) {
        StaffManagement.Admin admin = admin(token);
        staff.get(admin, username); // another clinic's account: 404 before anything about the body
        return ok(view(staff.resetPassword(admin, username, fields(body, Set.of("password")).get("password"))));
    }

    @ExceptionHandler(StaffProblem.class)
    ResponseEntity<ProblemDetail> problem(StaffProblem problem, HttpServletRequest request) {
        return ResponseEntity.status(problem.status()).cacheControl(CacheControl.noStore()).body(problem.toProblemDetail(request.getRequestURI()));
    }

    /** The admin of the token; a clinic admin's token without a clinic is refused (it cannot be one of ours). */
    private static StaffManagement.Admin admin(Jwt token) {
        String clinic = token.getClaimAsString("clinic_id");
        if (clinic == null || clinic.isBlank()) {
            throw new StaffProblem(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", "Your token names no clinic", List.of());
        }
        return new StaffManagement.Admin(token.getSubject(), clinic);
    }

    /** A JSON object of string fields, only the {@code known} ones; anything else a 400 naming the field. */
    private static Map<String, String> fields(String body, Set<String> known) {
        if (body == null || body.isBlank()) {
            throw new StaffProblem(HttpStatus.BAD_REQUEST, "malformed-json", "Unreadable request body", "A JSON object is required", List.of());
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new StaffProblem(HttpStatus.BAD_REQUEST, "malformed-json", "Malformed JSON", "The request body is not valid JSON", List.of());
        }
        if (json == null || !json.isObject()) {
            throw new StaffProblem(HttpStatus.BAD_REQUEST, "malformed-json", "Unreadable request body", "A JSON object is required", List.of());
        }
        Map<String, String> fields = new LinkedHashMap<>();
        List<StaffProblem.FieldError> errors = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : json.properties()) {
            if (!known.contains(field.getKey())) {
                errors.add(new StaffProblem.FieldError(field.getKey(), "is not a known field"));
            } else if (field.getValue().isNull()) {
                continue;
            } else if (!field.getValue().isString()) {
                errors.add(new StaffProblem.FieldError(field.getKey(), "must be a string"));
            } else {
                fields.put(field.getKey(), field.getValue().asString());
            }
        }
        if (!errors.isEmpty()) {
            throw StaffProblem.invalid(errors);
        }
        return fields;
    }

    private AccountView view(StaffAccount account) {
        boolean locked = account.isLocked(clock);
        return new AccountView(account.username(), account.clinicId().orElse(null), account.role().name(), account.isDisabled(), locked,
                locked ? account.lockedUntil().orElse(null) : null);
    }

    private static <T> ResponseEntity<T> ok(T body) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body);
    }
}
