package dev.knotless.session.session;

import dev.knotless.session.safety.SafetyHolds;
import dev.knotless.events.EventEnvelope;
import dev.knotless.platform.audit.AuditAction;
import dev.knotless.platform.audit.AuditTrail;
import dev.knotless.platform.idempotency.IdempotentIds;
import dev.knotless.platform.messaging.EventCodec;
import dev.knotless.platform.security.StaffMember;
import dev.knotless.platform.outbox.OutboxMessage;
import dev.knotless.platform.web.ProblemException;
import dev.knotless.session.patient.PatientReadModel;
import dev.knotless.session.patient.PatientSnapshot;
import dev.knotless.session.safety.ReadModelFreshness;
import dev.knotless.session.safety.SafetyDataFreshness;
import dev.knotless.session.safety.SafetyGate;
import dev.knotless.session.safety.SafetyVerdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import dev.knotless.platform.store.ChildrenByIds;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/**
 * Records a session that passed the safety gate, which decides only from a read model confirmed
 * current ({@link ReadModelFreshness}): the session and its event in one write, after its
 * id was added to the patient's session ids. Every read here is by key. Every access is the acting
 * staff member's, isolated by clinic and recorded through the audit trail: another clinic's patient
 * or session is the unknown id's 404.
 */
@Service
class SessionService {

    private static final Logger log = LoggerFactory.getLogger(SessionService.class);

    private static final Comparator<SessionDocument> SESSION_ORDER =
            Comparator.comparing((SessionDocument session) -> session.startedAt).thenComparing(session -> session.recordedAt);

    private final SessionRepository sessions;
    private final PatientSessions patientSessions;
    private final PatientReadModel patients;
    private final EventCodec codec;
    private final Clock clock;
    private final MeterRegistry meters;
    private final SafetyGate gate = new SafetyGate();
    private final Counter recorded;
    private final AuditTrail audit;
    private final ReadModelFreshness safetyData;
    private final SafetyHolds holds;

    SessionService(SessionRepository sessions, PatientSessions patientSessions, PatientReadModel patients, EventCodec codec, Clock clock,
                   MeterRegistry meters, AuditTrail audit, ReadModelFreshness safetyData, SafetyHolds holds) {
        this.sessions = sessions;
        this.holds = holds;
        this.safetyData = safetyData;
        this.audit = audit;
        this.patientSessions = patientSessions;
        this.patients = patients;
        this.codec = codec;
        this.clock = clock;
        this.meters = meters;
        this.recorded = Counter.builder("knotless.sessions.recorded").description("sessions recorded").register(meters);
    }

    SessionView record(UUID patientId, SessionRequest request, StaffMember staff) {
        UUID sessionId = IdempotentIds.newId("session");
        Optional<PatientSnapshot> patient = patients.find(patientId);
        // Recorded before the gate: its refusals tell what the intake found, and before the write.
        if (!audit.permits(AuditAction.CREATE, "session", sessionId, patientId, patient.map(PatientSnapshot::clinicId).orElse(null))) {
            throw ProblemException.notFound("patient", patientId);
        }
        // Fails closed: a read model that may lack a recent contraindication or adverse event decides nothing.
        SafetyDataFreshness freshness = safetyData.now();
        if (!(freshness instanceof SafetyDataFreshness.Current)) {
            throw refused(patientId, freshness);
        }
        // Current, but an event about this patient was set aside unread: it may be the finding the gate needs.
        List<String> heldBy = holds.of(patientId);
        if (!heldBy.isEmpty()) {
            countRefusal(patientId, SafetyDataUnreadableException.SLUG);
            throw SafetyDataUnreadableException.of(patientId, heldBy);
        }
        var verdict = gate.check(patient,
                new SafetyGate.Acknowledgements(request.precautionAcknowledged(), request.adverseEventReviewed()));
        return switch (verdict) {
            case SafetyVerdict.Pass pass -> store(sessionId, patient.orElseThrow(), request, staff, pass);
            case SafetyVerdict.Refusal refusal -> throw refused(patientId, refusal);
        };
    }

    private SessionView store(UUID sessionId, PatientSnapshot patient, SessionRequest request, StaffMember staff, SafetyVerdict.Pass pass) {
        var session = new SessionDocument();
        session.sessionId = sessionId.toString();
        session.patientId = patient.patientId().toString();
        session.clinicId = patient.clinicId();
        session.therapistId = staff.subject();
        session.startedAt = request.startedAt();
        session.endedAt = request.endedAt();
        session.needling = new ArrayList<>(request.needling().stream().map(SessionRequest.Needling::toSite).toList());
        session.adjuncts = new ArrayList<>(request.adjuncts());
        session.painBefore = request.painBefore();
        session.painAfter = request.painAfter();
        session.rom = new ArrayList<>(request.rom().stream().map(SessionRequest.Rom::toReading).toList());
        session.precautionAcknowledged = request.precautionAcknowledged();
        session.adverseEventReviewed = request.adverseEventReviewed();
        session.notes = request.notes();
        session.needlingClearance = pass.needlingClearance();
        session.recordedAt = clock.instant();
        session.outbox.add(OutboxMessage.of(
                EventEnvelope.of(session.recordedAt, patient.patientId(), patient.clinicId(), session.toEvent()), codec));
        // Patient first (see PatientSessions.add): a stop in between leaves an id that finds nothing.
        patientSessions.add(patient.patientId(), session.sessionId);
        try {
            sessions.insert(session);
        } catch (DuplicateKeyException carriedOutBefore) {
            // The same keyed request ran before and stored the session, but its key was never completed: its answer again.
            SessionDocument first = sessions.findById(session.sessionId).filter(s -> session.patientId.equals(s.patientId))
                    .orElseThrow(() -> carriedOutBefore);
            log.info("Session {} was recorded by an earlier run of the same keyed request", first.sessionId);
            return first.toView();
        }
        recorded.increment();
        log.info("Recorded session {} for patient {}", session.sessionId, session.patientId);
        return session.toView();
    }

    private ProblemException refused(UUID patientId, SafetyVerdict.Refusal refusal) {
        String reason = SafetyRefusalException.reasonOf(refusal);
        countRefusal(patientId, reason);
        return SafetyRefusalException.of(patientId, refusal);
    }

    private SafetyDataStaleException refused(UUID patientId, SafetyDataFreshness freshness) {
        countRefusal(patientId, SafetyDataStaleException.SLUG);
        return SafetyDataStaleException.of(freshness, safetyData.retryAfter());
    }

    private void countRefusal(UUID patientId, String reason) {
        meters.counter("knotless.sessions.refused", "reason", reason).increment();
        log.info("Refused a session for patient {}: {}", patientId, reason);
    }

    List<SessionView> sessionsOf(UUID patientId) {
        if (!audit.permits(AuditAction.READ, "session", null, patientId, patients.clinicOf(patientId).orElse(null))) {
            throw ProblemException.notFound("patient", patientId);
        }
        List<String> ids = patientSessions.idsOf(patientId);
        if (ids.isEmpty()) {
            return List.of();
        }
        return ChildrenByIds.inOrder(ids, sessions.findAllById(ids), session -> session.sessionId,
                        session -> session.patientId.equals(patientId.toString()), SESSION_ORDER).stream()
                .map(SessionDocument::toView)
                .toList();
    }

    SessionView session(UUID sessionId) {
        SessionDocument session = sessions.findById(sessionId.toString()).orElse(null);
        if (!audit.permits(AuditAction.READ, "session", sessionId, session == null ? null : session.patientId,
                session == null ? null : session.clinicId)) {
            throw ProblemException.notFound("session", sessionId);
        }
        return session.toView();
    }
}
