package dev.knotless.outcomes.survey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.knotless.events.EventPayload.SessionRecorded;
import dev.knotless.events.EventEnvelope;
import dev.knotless.events.Vocabulary.AdverseEventSeverity;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.outcomes.alert.AlertRules;
import dev.knotless.outcomes.followup.FollowUp;
import dev.knotless.outcomes.followup.FollowUpAnswers;
import dev.knotless.outcomes.followup.FollowUpLifecycle;
import dev.knotless.outcomes.followup.FollowUpProperties;
import dev.knotless.outcomes.followup.FollowUpRepository;
import dev.knotless.outcomes.followup.FollowUpSchedule;
import dev.knotless.outcomes.followup.FollowUpScheduler;
import dev.knotless.platform.audit.AuditStore;
import dev.knotless.platform.audit.AuditTrail;
import dev.knotless.platform.messaging.EventCodec;
import dev.knotless.platform.security.Role;
import dev.knotless.platform.security.StaffMember;
import dev.knotless.platform.web.ProblemException;
import dev.knotless.testsupport.MutableClock;
import dev.knotless.testsupport.TestTokens;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.security.core.context.SecurityContextHolder;

class SurveyTokenTest {

    private static final Instant ENDED = Instant.parse("2026-11-20T14:45:00Z");

    private final FollowUpRepository repository = mock(FollowUpRepository.class);
    private final MutableClock clock = new MutableClock(ENDED.plus(Duration.ofHours(30)));
    private final FollowUpLifecycle lifecycle = new FollowUpLifecycle(repository, new AlertRules(AlertRules.Thresholds.DEFAULT), new EventCodec());
    private final SurveyLinkService links = new SurveyLinkService(repository, lifecycle, new SurveyProperties("https://knotless.test/"), clock,
            new AuditTrail(mock(AuditStore.class)));
    private final AtomicReference<FollowUp> stored = new AtomicReference<>();
    private UUID h24;

    @BeforeEach
    void aSessionEnded30HoursAgo() {
        actAs("clinic-a"); // the clinic of the follow-ups below
        // The scheduler builds follow-ups exactly as the service does; the mock keeps the last one saved.
        when(repository.insert(any(FollowUp.class))).thenAnswer(call -> {
            FollowUp followUp = call.getArgument(0);
            if (followUp.checkpoint() == Checkpoint.H24) {
                stored.set(followUp);
            }
            return followUp;
        });
        when(repository.save(any(FollowUp.class))).thenAnswer(call -> {
            stored.set(call.getArgument(0));
            return call.getArgument(0);
        });
        when(repository.findById(any(String.class))).thenAnswer(call -> Optional.ofNullable(stored.get())
                .filter(followUp -> followUp.id().toString().equals(call.getArgument(0))));
        var session = new SessionRecorded(UUID.randomUUID(), "t-1", ENDED.minus(Duration.ofMinutes(45)), ENDED, List.of(), List.of(),
                6, 4, List.of(), false, false);
        new FollowUpScheduler(repository, mock(FollowUpSchedule.class), lifecycle, new FollowUpProperties(Duration.ofHours(24),
                Duration.ofHours(48), Duration.ofHours(72), Duration.ofSeconds(30), Duration.ofMinutes(1)), clock)
                .onSessionRecorded(EventEnvelope.of(ENDED, UUID.randomUUID(), "clinic-a", session), session);
        h24 = stored.get().id();
    }

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    /** The therapist of {@code clinicId}, as the resource server leaves them in the security context. */
    private static void actAs(String clinicId) {
        SecurityContextHolder.getContext().setAuthentication(TestTokens.authenticationOf(
                new StaffMember(TestTokens.therapistOf(clinicId), Role.THERAPIST, clinicId)));
    }

    @Test
    void aTokenIs256RandomBitsInBase64Url() {
        String token = SurveyToken.generate();

        assertThat(token).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(Base64.getUrlDecoder().decode(token)).hasSize(32);
        assertThat(SurveyToken.generate()).isNotEqualTo(token);
    }

    @Test
    void theHashIsTheSha256OfTheToken() {
        // echo -n abc | sha256sum
        assertThat(SurveyToken.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(HexFormat.of().parseHex(SurveyToken.hash(SurveyToken.generate()))).hasSize(32);
    }

    @Test
    void issuingALinkStoresOnlyTheHashOfItsToken() throws IllegalAccessException {
        var link = links.issue(h24);

        var saved = ArgumentCaptor.forClass(FollowUp.class);
        verify(repository).save(saved.capture());
        assertThat(saved.getValue().tokenHash()).isEqualTo(SurveyToken.hash(link.token()));
        assertThat(everyStringIn(saved.getValue())).noneMatch(value -> value.contains(link.token()));
        assertThat(link.surveyUrl()).isEqualTo("https://knotless.test/api/surveys/" + link.token());
        assertThat(link.followUpId()).isEqualTo(h24);
        assertThat(saved.getValue().surveyLinkIssuedAt()).isEqualTo(clock.instant());
    }

    @Test
    void aNewLinkReplacesTheEarlierToken() {
        var first = links.issue(h24);
        var second = links.issue(h24);

        assertThat(second.token()).isNotEqualTo(first.token());
        assertThat(stored.get().tokenHash()).isEqualTo(SurveyToken.hash(second.token()));
    }

    @Test
    void aLinkIsIssuedOnTheFreshDocumentWhenTheFollowUpChangedMeanwhile() {
        // The dashboard's projector (or the sweep) wrote the follow-up between this request's read and save.
        var saves = new java.util.concurrent.atomic.AtomicInteger();
        when(repository.save(any(FollowUp.class))).thenAnswer(call -> {
            if (saves.incrementAndGet() == 1) {
                throw new org.springframework.dao.OptimisticLockingFailureException("changed meanwhile");
            }
            stored.set(call.getArgument(0));
            return call.getArgument(0);
        });

        var link = links.issue(h24);

        assertThat(saves).hasValue(2);
        verify(repository, org.mockito.Mockito.times(2)).findById(h24.toString());
        assertThat(stored.get().tokenHash()).isEqualTo(SurveyToken.hash(link.token()));
    }

    @Test
    void aFollowUpThatKeepsChangingIsAConflictAfterThreeTries() {
        when(repository.save(any(FollowUp.class))).thenThrow(new org.springframework.dao.OptimisticLockingFailureException("changed"));

        assertThatThrownBy(() -> links.issue(h24)).isInstanceOf(org.springframework.dao.OptimisticLockingFailureException.class);
        verify(repository, org.mockito.Mockito.times(3)).save(any());
    }

    @Test
    void noLinkIsIssuedForAMissedFollowUp() {
        clock.advance(Duration.ofHours(18)); // H24 closed at +48 h
        assertThatThrownBy(() -> links.issue(h24)).isInstanceOfSatisfying(ProblemException.class,
                problem -> assertThat(problem.toProblemDetail().getType()).hasToString("/problems/survey-closed"));
        verify(repository, never()).save(any());
    }

    @Test
    void noLinkIsIssuedForACompletedFollowUp() {
        var followUp = stored.get();
        followUp.complete(new FollowUpAnswers(1, 1, false, false, false, AdverseEventSeverity.NONE, null, null), clock.instant());

        assertThatThrownBy(() -> links.issue(h24)).isInstanceOfSatisfying(ProblemException.class,
                problem -> assertThat(problem.status().value()).isEqualTo(409));
    }

    @Test
    void anUnknownFollowUpIsNotFound() {
        assertThatThrownBy(() -> links.issue(UUID.randomUUID())).isInstanceOfSatisfying(ProblemException.class,
                problem -> assertThat(problem.status().value()).isEqualTo(404));
    }

    @Test
    void anotherClinicsTherapistGetsTheUnknownFollowUpsAnswerAndReplacesNothing() {
        links.issue(h24);
        String hash = stored.get().tokenHash();
        actAs("clinic-b");

        assertThatThrownBy(() -> links.issue(h24)).isInstanceOfSatisfying(ProblemException.class, problem -> {
            assertThat(problem.status().value()).isEqualTo(404);
            assertThat(problem.toProblemDetail().getType()).hasToString("/problems/follow-up-not-found");
        });
        verify(repository, org.mockito.Mockito.times(1)).save(any());
        assertThat(stored.get().tokenHash()).as("clinic-a's link still works").isEqualTo(hash);
    }

    /** Every String reachable in the document, nested records and lists included. */
    private static List<String> everyStringIn(Object root) throws IllegalAccessException {
        List<String> found = new ArrayList<>();
        collect(root, found, 0);
        return found;
    }

    private static void collect(Object value, List<String> found, int depth) throws IllegalAccessException {
        if (value == null || depth > 5) {
            return;
        }
        if (value instanceof String s) {
            found.add(s);
            return;
        }
        if (value instanceof Iterable<?> items) {
            for (Object item : items) {
                collect(item, found, depth + 1);
            }
            return;
        }
        if (value.getClass().getName().startsWith("java.") || value.getClass().isEnum()) {
            return;
        }
        for (Class<?> type = value.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers())) {
                    field.setAccessible(true);
                    collect(field.get(value), found, depth + 1);
                }
            }
        }
    }
}
