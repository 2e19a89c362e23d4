package dev.knotless.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.knotless.events.EventPayload.AlertAcknowledged;
import dev.knotless.events.EventPayload.AlertRaised;
import dev.knotless.events.EventPayload.AssessmentRecorded;
import dev.knotless.events.EventPayload.Complaint;
import dev.knotless.events.EventPayload.FollowUpCompleted;
import dev.knotless.events.EventPayload.FollowUpMissed;
import dev.knotless.events.EventPayload.FollowUpOpened;
import dev.knotless.events.EventPayload.IntakeCompleted;
import dev.knotless.events.EventPayload.NeedlingSite;
import dev.knotless.events.EventPayload.PatientRegistered;
import dev.knotless.events.EventPayload.RomReading;
import dev.knotless.events.EventPayload.SessionRecorded;
import dev.knotless.events.Vocabulary.*;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The JSON Schemas in src/main/resources/schemas are the published contract; the records must not drift from them. */
class EventSchemaTest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final Instant T = Instant.parse("2026-11-20T15:00:00Z");
    private static final UUID ID = UUID.fromString("00000000-0000-4000-8000-000000000001");

    static Stream<EventPayload> samples() {
        var rom = List.of(new RomReading(Joint.SHOULDER, Movement.FLEXION, Side.RIGHT, 125, RomPhase.PRE));
        return Stream.of(
                new PatientRegistered(T),
                new IntakeCompleted(ID, T, "t-1", List.of(new Complaint(BodyRegion.SHOULDER, Side.RIGHT)), 7,
                        NeedlingClearance.PRECAUTION, List.of("PREGNANT"),
                        List.of(new RomReading(Joint.SHOULDER, Movement.FLEXION, Side.RIGHT, 120, null))),
                new AssessmentRecorded(ID, T, "t-1", AssessmentKind.PROGRESS, 4, List.of()),
                new SessionRecorded(ID, "t-1", T.minusSeconds(2700), T,
                        List.of(new NeedlingSite("UPPER_TRAPEZIUS", Side.RIGHT, Technique.DEEP, 2, 60, true)),
                        List.of("STRETCHING"), 6, 4, rom, false, false),
                new FollowUpOpened(ID, ID, Checkpoint.H24, T, T.plusSeconds(86_400)),
                new FollowUpCompleted(ID, ID, Checkpoint.H48, T, 3, 2, false, true, false, AdverseEventSeverity.MINOR),
                new FollowUpMissed(ID, ID, Checkpoint.H24, T),
                new AlertRaised(ID, AlertLevel.HIGH, AlertRule.HIGH_SORENESS, ID, ID, Checkpoint.H24),
                new AlertRaised(ID, AlertLevel.LOW, AlertRule.FOLLOW_UPS_MISSED, ID, null, null),
                new AlertAcknowledged(ID, "t-2"));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everyEventValidatesAgainstItsSchema(EventPayload payload) {
        var envelope = EventEnvelope.of(T, ID, "clinic-a", payload);
        JsonNode json = MAPPER.readTree(MAPPER.writeValueAsString(envelope));

        assertThat(schemaOf(envelope.type()).validate(json)).isEmpty();
        assertThat(json.get("type").asString()).isEqualTo(envelope.type().wireName());
    }

    @ParameterizedTest
    @MethodSource("samples")
    void schemaRejectsAnEventWithoutItsPayloadFields(EventPayload payload) {
        var envelope = EventEnvelope.of(T, ID, "clinic-a", payload);
        var json = (tools.jackson.databind.node.ObjectNode) MAPPER.readTree(MAPPER.writeValueAsString(envelope));
        json.set("payload", MAPPER.createObjectNode());

        assertThat(schemaOf(envelope.type()).validate(json)).isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void schemaPropertiesAreExactlyTheRecordComponents(EventPayload payload) {
        EventType type = EventType.of(payload);
        JsonNode schemaPayload = MAPPER.readTree(resource(type)).get("properties").get("payload").get("properties");
        Set<String> schemaFields = new HashSet<>(schemaPayload.propertyNames());
        Set<String> recordFields = new HashSet<>(Arrays.stream(type.payloadType().getRecordComponents()).map(c -> c.getName()).toList());

        assertThat(schemaFields).isEqualTo(recordFields);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everyTypeHasOneTopicOfTheContract(EventPayload payload) {
        assertThat(Topics.ALL).contains(EventType.of(payload).topic());
    }

    private static Schema schemaOf(EventType type) {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(resource(type));
    }

    private static InputStream resource(EventType type) {
        InputStream stream = EventSchemaTest.class.getResourceAsStream("/schemas/" + type.wireName() + ".schema.json");
        assertThat(stream).as("schema of " + type.wireName()).isNotNull();
        return stream;
    }
}
