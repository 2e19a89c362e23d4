package dev.knotless.outcomes.timeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.knotless.events.RangeOfMotionNorms;
import dev.knotless.events.Vocabulary.AdverseEventSeverity;
import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.AlertRule;
import dev.knotless.events.Vocabulary.AlertStatus;
import dev.knotless.events.Vocabulary.AssessmentKind;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.FollowUpStatus;
import dev.knotless.events.Vocabulary.Joint;
import dev.knotless.events.Vocabulary.Movement;
import dev.knotless.events.Vocabulary.NeedlingClearance;
import dev.knotless.events.Vocabulary.RomPhase;
import dev.knotless.events.Vocabulary.Side;
import dev.knotless.events.Vocabulary.Technique;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The timeline as therapists read it; everything here is derived from the one stored document. */
record TimelineView(
        UUID patientId,
        String clinicId,
        Instant registeredAt,
        Baseline baseline,
        List<Entry> entries,
        Series series,
        List<OpenAlert> openAlerts,
        Summary summary) {

    /** The latest intake: pain and range of motion with the percent of the normative value. */
    record Baseline(UUID assessmentId, Instant assessedAt, Integer painNprs, NeedlingClearance needlingClearance, List<RomBaseline> rom) {
    }

    record RomBaseline(Joint joint, Movement movement, Side side, int degrees, BigDecimal percentOfNormal) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Entry(
            EntryType type,
            UUID id,
            Instant at,
            Integer painNprs,
            NeedlingClearance needlingClearance,
            AssessmentKind kind,
            Instant startedAt,
            Integer painBefore,
            Integer painAfter,
            List<Technique> techniques,
            UUID sessionId,
            UUID followUpId,
            Checkpoint checkpoint,
            FollowUpStatus status,
            Integer soreness,
            Integer pain,
            AdverseEventSeverity adverseEventSeverity,
            AlertLevel level,
            AlertRule rule,
            AlertStatus alertStatus) {
    }

    record Series(List<PainPoint> pain, Map<Checkpoint, List<SorenessPoint>> soreness, List<RomSeries> rom) {
    }

    enum PainSource { INTAKE, ASSESSMENT, SESSION_BEFORE, SESSION_AFTER, FOLLOW_UP }

    record PainPoint(Instant at, int value, PainSource source, UUID refId) {
    }

    record SorenessPoint(UUID sessionId, UUID followUpId, int value, Instant at) {
    }

    enum RomSource { INTAKE, ASSESSMENT, SESSION }

    record RomSeries(Joint joint, Movement movement, Side side, List<RomPoint> points) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RomPoint(Instant at, int degrees, BigDecimal percentOfNormal, RomSource source, RomPhase phase) {
    }

    record OpenAlert(UUID alertId, AlertLevel level, AlertRule rule, UUID sessionId, UUID followUpId, Checkpoint checkpoint, Instant raisedAt) {
    }

    /**
     * @param painChange latest minus baseline pain (negative is better)
     * @param followUpResponseRate completed / (completed + missed), null while none has closed
     */
    record Summary(int sessions, Integer baselinePain, Integer latestPain, Integer painChange, boolean mcidReached,
                   BigDecimal followUpResponseRate) {
    }

    static TimelineView of(Timeline timeline, PainMcid mcid) {
        List<TimelineEntry> entries = timeline.entries();
        var baseline = timeline.baselineEntry().map(TimelineView::baseline).orElse(null);
        var pain = painSeries(entries);
        Integer baselinePain = baseline == null ? null : baseline.painNprs();
        Integer latestPain = pain.isEmpty() ? null : pain.getLast().value();
        long completed = entries.stream().filter(e -> e.type == EntryType.FOLLOW_UP && e.status == FollowUpStatus.COMPLETED).count();
        long missed = entries.stream().filter(e -> e.type == EntryType.FOLLOW_UP && e.status == FollowUpStatus.MISSED).count();
        var summary = new Summary(
                (int) entries.stream().filter(e -> e.type == EntryType.SESSION).count(),
                baselinePain,
                latestPain,
                PainMcid.change(baselinePain, latestPain),
                mcid.reached(baselinePain, latestPain),
                rate(completed, missed));
        return new TimelineView(timeline.patientId(), timeline.clinicId(), timeline.registeredAt(), baseline,
                entries.stream().filter(TimelineView::isShown).map(TimelineView::entry).toList(),
                new Series(pain, sorenessSeries(entries), romSeries(entries)),
                openAlerts(entries),
                summary);
    }

    /** Two decimals, e.g. 0.67; null when nothing has closed yet. */
    static BigDecimal rate(long completed, long missed) {
        if (completed + missed == 0) {
            return null;
        }
        return BigDecimal.valueOf(completed).divide(BigDecimal.valueOf(completed + missed), 2, RoundingMode.HALF_UP);
    }

    /** Every pain reading in time order: intake, session before and after, follow-up, assessment. */
    static List<PainPoint> painSeries(List<TimelineEntry> entries) {
        List<PainPoint> points = new ArrayList<>();
        for (TimelineEntry e : entries) {
            switch (e.type) {
                case INTAKE -> add(points, e.at, e.painNprs, PainSource.INTAKE, e.id);
                case ASSESSMENT -> add(points, e.at, e.painNprs, PainSource.ASSESSMENT, e.id);
                case SESSION -> {
                    add(points, e.startedAt == null ? e.at : e.startedAt, e.painBefore, PainSource.SESSION_BEFORE, e.id);
                    add(points, e.at, e.painAfter, PainSource.SESSION_AFTER, e.id);
                }
                case FOLLOW_UP -> {
                    if (e.status == FollowUpStatus.COMPLETED) {
                        add(points, e.at, e.pain, PainSource.FOLLOW_UP, e.id);
                    }
                }
                case ALERT -> {
                }
            }
        }
        points.sort(Comparator.comparing(PainPoint::at).thenComparing(PainPoint::source));
        return points;
    }

    private static void add(List<PainPoint> points, Instant at, Integer value, PainSource source, String id) {
        if (at != null && value != null) {
            points.add(new PainPoint(at, value, source, UUID.fromString(id)));
        }
    }

    private static Map<Checkpoint, List<SorenessPoint>> sorenessSeries(List<TimelineEntry> entries) {
        Map<Checkpoint, List<SorenessPoint>> series = new EnumMap<>(Checkpoint.class);
        for (Checkpoint checkpoint : Checkpoint.values()) {
            series.put(checkpoint, new ArrayList<>());
        }
        entries.stream()
                .filter(e -> e.type == EntryType.FOLLOW_UP && e.status == FollowUpStatus.COMPLETED && e.soreness != null && e.checkpoint != null)
                .forEach(e -> series.get(e.checkpoint).add(new SorenessPoint(uuid(e.sessionId), uuid(e.id), e.soreness, e.at)));
        series.replaceAll((checkpoint, points) -> List.copyOf(points));
        return series;
    }

    private static List<RomSeries> romSeries(List<TimelineEntry> entries) {
        record Key(Joint joint, Movement movement, Side side) {
        }
        Map<Key, List<RomPoint>> byKey = new LinkedHashMap<>();
        for (TimelineEntry e : entries) {
            RomSource source = switch (e.type) {
                case INTAKE -> RomSource.INTAKE;
                case ASSESSMENT -> RomSource.ASSESSMENT;
                case SESSION -> RomSource.SESSION;
                case FOLLOW_UP, ALERT -> null;
            };
            if (source == null) {
                continue;
            }
            for (RomValue rom : e.romOrEmpty()) {
                Instant at = source == RomSource.SESSION && rom.phase() == RomPhase.PRE && e.startedAt != null ? e.startedAt : e.at;
                byKey.computeIfAbsent(new Key(rom.joint(), rom.movement(), rom.side()), k -> new ArrayList<>())
                        .add(new RomPoint(at, rom.degrees(), percentOfNormal(rom), source, rom.phase()));
            }
        }
        return byKey.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(Key::joint).thenComparing(Key::movement).thenComparing(Key::side)))
                .map(entry -> new RomSeries(entry.getKey().joint(), entry.getKey().movement(), entry.getKey().side(),
                        entry.getValue().stream().sorted(Comparator.comparing(RomPoint::at)).toList()))
                .toList();
    }

    private static List<OpenAlert> openAlerts(List<TimelineEntry> entries) {
        return entries.stream()
                .filter(e -> e.type == EntryType.ALERT && e.alertStatus == AlertStatus.OPEN && e.level != null)
                .sorted(Comparator.comparing((TimelineEntry e) -> e.level).thenComparing(e -> e.at, Comparator.reverseOrder()))
                .map(e -> new OpenAlert(uuid(e.id), e.level, e.rule, uuid(e.sessionId), uuid(e.followUpId), e.checkpoint, e.at))
                .toList();
    }

    private static Baseline baseline(TimelineEntry intake) {
        return new Baseline(uuid(intake.id), intake.at, intake.painNprs, intake.needlingClearance, intake.romOrEmpty().stream()
                .map(rom -> new RomBaseline(rom.joint(), rom.movement(), rom.side(), rom.degrees(), percentOfNormal(rom)))
                .toList());
    }

    /** An acknowledgement that arrived before its alert has nothing to show yet. */
    private static boolean isShown(TimelineEntry e) {
        return e.type != EntryType.ALERT || e.level != null;
    }

    private static Entry entry(TimelineEntry e) {
        return new Entry(e.type, uuid(e.id), e.at, e.painNprs, e.needlingClearance, e.kind, e.startedAt, e.painBefore, e.painAfter,
                e.techniques, uuid(e.sessionId), uuid(e.followUpId), e.checkpoint, e.status, e.soreness, e.pain,
                e.adverseEventSeverity, e.level, e.rule, e.alertStatus);
    }

    private static BigDecimal percentOfNormal(RomValue rom) {
        return RangeOfMotionNorms.percentOfNormal(rom.joint(), rom.movement(), rom.degrees()).orElse(null);
    }

    private static UUID uuid(String id) {
        return id == null ? null : UUID.fromString(id);
    }
}
