package dev.knotless.outcomes.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoClientSettings;
import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload;
import dev.knotless.events.EventPayload.RomReading;
import dev.knotless.events.Vocabulary.AdverseEventSeverity;
import dev.knotless.events.Vocabulary.AlertLevel;
import dev.knotless.events.Vocabulary.AlertRule;
import dev.knotless.events.Vocabulary.AssessmentKind;
import dev.knotless.events.Vocabulary.Checkpoint;
import dev.knotless.events.Vocabulary.Joint;
import dev.knotless.events.Vocabulary.Movement;
import dev.knotless.events.Vocabulary.NeedlingClearance;
import dev.knotless.events.Vocabulary.RomPhase;
import dev.knotless.events.Vocabulary.Side;
import dev.knotless.events.Vocabulary.Technique;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.bson.BsonDocument;
import org.bson.BsonDocumentReader;
import org.bson.BsonDocumentWriter;
import org.bson.Document;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.DocumentCodec;
import org.bson.codecs.EncoderContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.convert.MappingMongoConverter;
import org.springframework.data.mongodb.core.convert.MongoCustomConversions;
import org.springframework.data.mongodb.core.convert.NoOpDbRefResolver;
import org.springframework.data.mongodb.core.mapping.MongoMappingContext;

/** The hand-written codec gives and takes exactly the documents Spring Data's mapping gives and takes. */
class TimelineCodecTest {

    private static final UUID PATIENT = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
    private static final UUID SESSION = UUID.fromString("00000000-0000-0000-0000-0000000000a1");
    private static final UUID H24 = UUID.fromString("00000000-0000-0000-0000-0000000000f1");
    private static final UUID H48 = UUID.fromString("00000000-0000-0000-0000-0000000000f2");
    private static final UUID ALERT = UUID.fromString("00000000-0000-0000-0000-0000000000e1");
    // Nanoseconds on purpose: both ways keep milliseconds only.
    private static final Instant T0 = Instant.parse("2026-11-18T14:00:00.123456789Z");

    private final TimelineCodec codec = new TimelineCodec();
    private MappingMongoConverter spring;

    @BeforeEach
    void springDataMapping() {
        // As the application's MongoTemplate has it: default conversions (java.time as dates).
        var conversions = new MongoCustomConversions(List.of());
        var context = new MongoMappingContext();
        context.setSimpleTypeHolder(conversions.getSimpleTypeHolder());
        context.afterPropertiesSet();
        spring = new MappingMongoConverter(NoOpDbRefResolver.INSTANCE, context);
        spring.setCustomConversions(conversions);
        spring.afterPropertiesSet();
    }

    @Test
    void writesWhatSpringDataWrites() {
        Timeline timeline = everyKindOfEntry();

        assertThat(viaCodec(timeline)).isEqualTo(viaSpring(timeline));
    }

    @Test
    void readsWhatSpringDataWroteAndSpringDataReadsWhatItWrites() {
        Timeline timeline = everyKindOfEntry();
        Document written = viaSpring(timeline);

        Timeline readByCodec = codec.decode(new BsonDocumentReader(bson(written)), DecoderContext.builder().build());
        assertThat(viaSpring(readByCodec)).isEqualTo(written);

        Timeline readBySpring = spring.read(Timeline.class, viaCodec(timeline));
        assertThat(viaSpring(readBySpring)).isEqualTo(written);
        assertThat(readByCodec.entries()).hasSize(timeline.entries().size());
    }

    @Test
    void skipsFieldsItDoesNotKnowAndToleratesNulls() {
        Document written = viaSpring(everyKindOfEntry());
        written.put("_class", Timeline.class.getName());
        written.put("somethingNew", new Document("x", 1));
        written.put("dischargedAt", null);

        Timeline read = codec.decode(new BsonDocumentReader(bson(written)), DecoderContext.builder().build());

        assertThat(read.dischargedAt()).isNull();
        assertThat(read.clinicId()).isEqualTo("clinic-a");
        assertThat(read.appliedEventIds()).hasSize(9);
    }

    private Timeline everyKindOfEntry() {
        Timeline timeline = Timeline.start(PATIENT, "clinic-a");
        var rom = List.of(new RomReading(Joint.SHOULDER, Movement.FLEXION, Side.RIGHT, 125, RomPhase.PRE),
                new RomReading(Joint.SHOULDER, Movement.FLEXION, Side.RIGHT, 140, RomPhase.POST));
        List<EventPayload> payloads = List.of(
                new EventPayload.PatientRegistered(T0),
                new EventPayload.IntakeCompleted(UUID.randomUUID(), T0, "t-1", List.of(), 7, NeedlingClearance.CLEARED, List.of(),
                        List.of(new RomReading(Joint.SHOULDER, Movement.FLEXION, Side.RIGHT, 120, null))),
                new EventPayload.SessionRecorded(SESSION, "t-1", T0.plusSeconds(3600), T0.plusSeconds(5400),
                        List.of(new EventPayload.NeedlingSite("UPPER_TRAPEZIUS", Side.RIGHT, Technique.DEEP, 2, 60, true)), List.of(), 6, 4,
                        rom, false, false),
                new EventPayload.FollowUpOpened(H24, SESSION, Checkpoint.H24, T0.plusSeconds(90_000), T0.plusSeconds(180_000)),
                new EventPayload.FollowUpCompleted(H24, SESSION, Checkpoint.H24, T0.plusSeconds(100_000), 8, 3, false, false, false,
                        AdverseEventSeverity.MINOR),
                new EventPayload.AlertRaised(ALERT, AlertLevel.HIGH, AlertRule.HIGH_SORENESS, SESSION, H24, Checkpoint.H24),
                new EventPayload.AlertAcknowledged(ALERT, "t-1"),
                new EventPayload.FollowUpMissed(H48, SESSION, Checkpoint.H48, T0.plusSeconds(260_000)),
                new EventPayload.AssessmentRecorded(UUID.randomUUID(), T0.plusSeconds(300_000), "t-1", AssessmentKind.DISCHARGE, 2, rom));
        Instant at = T0;
        for (EventPayload payload : payloads) {
            at = at.plusSeconds(60);
            assertThat(timeline.apply(EventEnvelope.of(at, PATIENT, "clinic-a", payload))).isTrue();
        }
        timeline.queueFigureChanges(PainMcid.DEFAULT);
        timeline.version = 41L;
        assertThat(timeline.figureChanges()).isNotEmpty();
        return timeline;
    }

    private Document viaSpring(Timeline timeline) {
        Document document = new Document();
        spring.write(timeline, document);
        document.remove("_class");
        // Through BSON, as it is stored: the same value types as the codec's output.
        return new DocumentCodec().decode(new BsonDocumentReader(bson(document)), DecoderContext.builder().build());
    }

    private Document viaCodec(Timeline timeline) {
        BsonDocument bson = new BsonDocument();
        codec.encode(new BsonDocumentWriter(bson), timeline, EncoderContext.builder().build());
        return new DocumentCodec().decode(new BsonDocumentReader(bson), DecoderContext.builder().build());
    }

    private static BsonDocument bson(Document document) {
        return document.toBsonDocument(Document.class, MongoClientSettings.getDefaultCodecRegistry());
    }
}
