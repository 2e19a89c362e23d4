package dev.knotless.outcomes.timeline;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.Function;
import org.bson.BsonReader;
import org.bson.BsonType;
import org.bson.BsonWriter;
import org.bson.codecs.Codec;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.EncoderContext;

/**
 * A timeline straight to and from BSON, in exactly the shape Spring Data's mapping gives it (field
 * names, an entry's {@code id} as {@code _id}, instants as dates to the millisecond, enums by name,
 * nulls left out), so documents written either way read the same.
 *
 * <p>Written by hand because every event reads and rewrites its patient's whole timeline: through
 * Spring Data's reflective mapping and an intermediate {@code Document} that was about two thirds
 * of outcomes-service's CPU when replaying (JFR, docs/PERFORMANCE.md). Unknown fields (Spring Data's
 * {@code _class}) are skipped.
 */
final class TimelineCodec implements Codec<Timeline> {

    @Override
    public Class<Timeline> getEncoderClass() {
        return Timeline.class;
    }

    @Override
    public void encode(BsonWriter writer, Timeline timeline, EncoderContext context) {
        writer.writeStartDocument();
        string(writer, "_id", timeline.patientId);
        if (timeline.version != null) {
            writer.writeInt64("version", timeline.version);
        }
        string(writer, "clinicId", timeline.clinicId);
        instant(writer, "registeredAt", timeline.registeredAt);
        writer.writeStartArray("entries");
        for (TimelineEntry entry : orEmpty(timeline.entries)) {
            entry(writer, entry);
        }
        writer.writeEndArray();
        writer.writeStartArray("appliedEventIds");
        for (String id : orEmpty(timeline.appliedEventIds)) {
            writer.writeString(id);
        }
        writer.writeEndArray();
        instant(writer, "lastSessionEndedAt", timeline.lastSessionEndedAt);
        instant(writer, "dischargedAt", timeline.dischargedAt);
        integer(writer, "baselinePain", timeline.baselinePain);
        integer(writer, "latestPain", timeline.latestPain);
        string(writer, "activeDay", timeline.activeDay);
        writer.writeBoolean("mcidReached", timeline.mcidReached);
        writer.writeStartArray("figureChanges");
        for (FigureChange change : orEmpty(timeline.figureChanges)) {
            writer.writeStartDocument();
            string(writer, "changeId", change.changeId());
            name(writer, "kind", change.kind());
            string(writer, "day", change.day());
            writer.writeEndDocument();
        }
        writer.writeEndArray();
        writer.writeEndDocument();
    }

    private static void entry(BsonWriter writer, TimelineEntry entry) {
        writer.writeStartDocument();
        string(writer, "_id", entry.id);
        name(writer, "type", entry.type);
        instant(writer, "at", entry.at);
        instant(writer, "recordedAt", entry.recordedAt);
        integer(writer, "painNprs", entry.painNprs);
        name(writer, "needlingClearance", entry.needlingClearance);
        name(writer, "kind", entry.kind);
        instant(writer, "startedAt", entry.startedAt);
        integer(writer, "painBefore", entry.painBefore);
        integer(writer, "painAfter", entry.painAfter);
        if (entry.techniques != null) {
            writer.writeStartArray("techniques");
            entry.techniques.forEach(technique -> writer.writeString(technique.name()));
            writer.writeEndArray();
        }
        if (entry.rom != null) {
            writer.writeStartArray("rom");
            for (RomValue value : entry.rom) {
                writer.writeStartDocument();
                name(writer, "joint", value.joint());
                name(writer, "movement", value.movement());
                name(writer, "side", value.side());
                writer.writeInt32("degrees", value.degrees());
                name(writer, "phase", value.phase());
                writer.writeEndDocument();
            }
            writer.writeEndArray();
        }
        string(writer, "sessionId", entry.sessionId);
        string(writer, "followUpId", entry.followUpId);
        name(writer, "checkpoint", entry.checkpoint);
        name(writer, "status", entry.status);
        instant(writer, "opensAt", entry.opensAt);
        instant(writer, "closesAt", entry.closesAt);
        integer(writer, "soreness", entry.soreness);
        integer(writer, "pain", entry.pain);
        name(writer, "adverseEventSeverity", entry.adverseEventSeverity);
        name(writer, "level", entry.level);
        name(writer, "rule", entry.rule);
        name(writer, "alertStatus", entry.alertStatus);
        writer.writeEndDocument();
    }

    @Override
    public Timeline decode(BsonReader reader, DecoderContext context) {
        var timeline = new Timeline();
        reader.readStartDocument();
        while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
            String field = reader.readName();
            if (reader.getCurrentBsonType() == BsonType.NULL) {
                reader.readNull();
                continue;
            }
            switch (field) {
                case "_id" -> timeline.patientId = reader.readString();
                case "version" -> timeline.version = longValue(reader);
                case "clinicId" -> timeline.clinicId = reader.readString();
                case "registeredAt" -> timeline.registeredAt = instant(reader);
                case "entries" -> timeline.entries = list(reader, TimelineCodec::entry);
                case "appliedEventIds" -> timeline.appliedEventIds = new HashSet<>(list(reader, BsonReader::readString));
                case "lastSessionEndedAt" -> timeline.lastSessionEndedAt = instant(reader);
                case "dischargedAt" -> timeline.dischargedAt = instant(reader);
                case "baselinePain" -> timeline.baselinePain = intValue(reader);
                case "latestPain" -> timeline.latestPain = intValue(reader);
                case "activeDay" -> timeline.activeDay = reader.readString();
                case "mcidReached" -> timeline.mcidReached = reader.readBoolean();
                case "figureChanges" -> timeline.figureChanges = list(reader, TimelineCodec::figureChange);
                default -> reader.skipValue();
            }
        }
        reader.readEndDocument();
        return timeline;
    }

    private static TimelineEntry entry(BsonReader reader) {
        var entry = new TimelineEntry();
        reader.readStartDocument();
        while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
            String field = reader.readName();
            if (reader.getCurrentBsonType() == BsonType.NULL) {
                reader.readNull();
                continue;
            }
            switch (field) {
                case "_id" -> entry.id = reader.readString();
                case "type" -> entry.type = EntryType.valueOf(reader.readString());
                case "at" -> entry.at = instant(reader);
                case "recordedAt" -> entry.recordedAt = instant(reader);
                case "painNprs" -> entry.painNprs = intValue(reader);
                case "needlingClearance" -> entry.needlingClearance = NeedlingClearance.valueOf(reader.readString());
                case "kind" -> entry.kind = AssessmentKind.valueOf(reader.readString());
                case "startedAt" -> entry.startedAt = instant(reader);
                case "painBefore" -> entry.painBefore = intValue(reader);
                case "painAfter" -> entry.painAfter = intValue(reader);
                case "techniques" -> entry.techniques = list(reader, r -> Technique.valueOf(r.readString()));
                case "rom" -> entry.rom = list(reader, TimelineCodec::romValue);
                case "sessionId" -> entry.sessionId = reader.readString();
                case "followUpId" -> entry.followUpId = reader.readString();
                case "checkpoint" -> entry.checkpoint = Checkpoint.valueOf(reader.readString());
                case "status" -> entry.status = FollowUpStatus.valueOf(reader.readString());
                case "opensAt" -> entry.opensAt = instant(reader);
                case "closesAt" -> entry.closesAt = instant(reader);
                case "soreness" -> entry.soreness = intValue(reader);
                case "pain" -> entry.pain = intValue(reader);
                case "adverseEventSeverity" -> entry.adverseEventSeverity = AdverseEventSeverity.valueOf(reader.readString());
                case "level" -> entry.level = AlertLevel.valueOf(reader.readString());
                case "rule" -> entry.rule = AlertRule.valueOf(reader.readString());
                case "alertStatus" -> entry.alertStatus = AlertStatus.valueOf(reader.readString());
                default -> reader.skipValue();
            }
        }
        reader.readEndDocument();
        return entry;
    }

    private static RomValue romValue(BsonReader reader) {
        Joint joint = null;
        Movement movement = null;
        Side side = null;
        int degrees = 0;
        RomPhase phase = null;
        reader.readStartDocument();
        while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
            String field = reader.readName();
            if (reader.getCurrentBsonType() == BsonType.NULL) {
                reader.readNull();
                continue;
            }
            switch (field) {
                case "joint" -> joint = Joint.valueOf(reader.readString());
                case "movement" -> movement = Movement.valueOf(reader.readString());
                case "side" -> side = Side.valueOf(reader.readString());
                case "degrees" -> degrees = intValue(reader);
                case "phase" -> phase = RomPhase.valueOf(reader.readString());
                default -> reader.skipValue();
            }
        }
        reader.readEndDocument();
        return new RomValue(joint, movement, side, degrees, phase);
    }

    private static FigureChange figureChange(BsonReader reader) {
        String changeId = null;
        FigureChange.Kind kind = null;
        String day = null;
        reader.readStartDocument();
        while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
            String field = reader.readName();
            if (reader.getCurrentBsonType() == BsonType.NULL) {
                reader.readNull();
                continue;
            }
            switch (field) {
                case "changeId" -> changeId = reader.readString();
                case "kind" -> kind = FigureChange.Kind.valueOf(reader.readString());
                case "day" -> day = reader.readString();
                default -> reader.skipValue();
            }
        }
        reader.readEndDocument();
        return new FigureChange(changeId, kind, day);
    }

    private static <T> java.util.Collection<T> orEmpty(java.util.Collection<T> values) {
        return values == null ? List.of() : values;
    }

    private static <T> List<T> list(BsonReader reader, Function<BsonReader, T> element) {
        var list = new ArrayList<T>();
        reader.readStartArray();
        while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
            list.add(element.apply(reader));
        }
        reader.readEndArray();
        return list;
    }

    private static Instant instant(BsonReader reader) {
        return Instant.ofEpochMilli(reader.readDateTime());
    }

    private static Integer intValue(BsonReader reader) {
        return switch (reader.getCurrentBsonType()) {
            case INT64 -> Math.toIntExact(reader.readInt64());
            case DOUBLE -> (int) reader.readDouble();
            default -> reader.readInt32();
        };
    }

    private static Long longValue(BsonReader reader) {
        return switch (reader.getCurrentBsonType()) {
            case INT32 -> (long) reader.readInt32();
            case DOUBLE -> (long) reader.readDouble();
            default -> reader.readInt64();
        };
    }

    private static void string(BsonWriter writer, String name, String value) {
        if (value != null) {
            writer.writeString(name, value);
        }
    }

    private static void name(BsonWriter writer, String name, Enum<?> value) {
        if (value != null) {
            writer.writeString(name, value.name());
        }
    }

    private static void integer(BsonWriter writer, String name, Integer value) {
        if (value != null) {
            writer.writeInt32(name, value);
        }
    }

    private static void instant(BsonWriter writer, String name, Instant value) {
        if (value != null) {
            writer.writeDateTime(name, value.toEpochMilli());
        }
    }
}
