package dev.knotless.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.knotless.events.EventEnvelope;
import dev.knotless.events.EventPayload.PatientRegistered;
import dev.knotless.platform.messaging.EventCodec;
import dev.knotless.platform.messaging.MessagingProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.kafka.core.KafkaTemplate;

/** The relay against mongo-java-server (the store the embedded run uses) and a Kafka template that succeeds or fails on demand. */
class OutboxRelayTest {

    static class Patient {
        @Id
        String id;
        List<OutboxMessage> outbox = new ArrayList<>();
    }

    private final EventCodec codec = new EventCodec();
    private MongoServer server;
    private MongoClient client;
    private MongoTemplate mongo;
    @SuppressWarnings("unchecked")
    private final KafkaTemplate<String, String> kafka = mock(KafkaTemplate.class);
    private OutboxRelay relay;

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        var address = server.bind();
        client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
        mongo = new MongoTemplate(client, "relay-test");
        var properties = new MessagingProperties(3, (short) 1,
                new MessagingProperties.Outbox(List.of("patient"), Duration.ofSeconds(1), 100, Duration.ofSeconds(5), Duration.ofSeconds(1)),
                new MessagingProperties.Consumer(3, Duration.ofMillis(10)));
        relay = new OutboxRelay(mongo, kafka, properties, new SimpleMeterRegistry());
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void publishedEventsLeaveTheOutboxAndTheDocumentStays() {
        when(kafka.send(anyString(), anyString(), anyString())).thenReturn(CompletableFuture.completedFuture(null));
        var patient = patientWith(2);
        mongo.save(patient, "patient");

        assertThat(relay.relayPending()).isEqualTo(2);

        Document stored = mongo.findById(patient.id, Document.class, "patient");
        assertThat(stored).isNotNull();
        assertThat(stored.getList("outbox", Document.class)).isEmpty();
        assertThat(relay.relayPending()).isZero();
    }

    @Test
    void whenKafkaFailsTheEventStaysStagedForTheNextPass() {
        var patient = patientWith(2);
        mongo.save(patient, "patient");
        String first = patient.outbox.get(0).envelope();
        when(kafka.send(anyString(), anyString(), eq(first))).thenReturn(CompletableFuture.completedFuture(null));
        when(kafka.send(anyString(), anyString(), any())).thenAnswer(call -> first.equals(call.getArgument(2))
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new IllegalStateException("broker down")));

        assertThatThrownBy(relay::relayPending).hasMessageContaining("did not acknowledge");

        Document stored = mongo.findById(patient.id, Document.class, "patient");
        assertThat(stored.getList("outbox", Document.class)).extracting(d -> d.getString("eventId"))
                .containsExactly(patient.outbox.get(1).eventId());

        when(kafka.send(anyString(), anyString(), any())).thenReturn(CompletableFuture.completedFuture(null));
        assertThat(relay.relayPending()).isEqualTo(1);
        assertThat(mongo.findById(patient.id, Document.class, "patient").getList("outbox", Document.class)).isEmpty();
    }

    private Patient patientWith(int events) {
        var patient = new Patient();
        patient.id = UUID.randomUUID().toString();
        for (int i = 0; i < events; i++) {
            var event = EventEnvelope.of(Instant.parse("2026-11-20T15:00:00Z"), UUID.fromString(patient.id), "clinic-a",
                    new PatientRegistered(Instant.parse("2026-11-20T15:00:00Z").plusSeconds(i)));
            patient.outbox.add(OutboxMessage.of(event, codec));
        }
        return patient;
    }
}
