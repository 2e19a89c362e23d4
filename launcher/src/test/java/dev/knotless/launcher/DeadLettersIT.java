package dev.knotless.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ./knotless dlt against a real broker: a dead letter as Spring's recoverer writes it is listed, shown without values, replayed. */
class DeadLettersIT {

    private static final String TOPIC = "knotless.session.v1";
    private static final String DLT = TOPIC + "-dlt";
    private static final String PATIENT = "0b6f1c0e-7d7b-4c1b-9a51-3f1f4f2d8a10";
    private static final String EVENT = """
            {"eventId":"5d0c9a4e-2b8f-4a57-8f0e-6a1c2b3d4e5f","type":"SessionRecorded","schemaVersion":1,\
            "occurredAt":"2026-12-01T09:30:00Z","patientId":"%s","clinicId":"clinic-north",\
            "payload":{"sessionId":"s-1","painBefore":6,"needling":[{"muscle":"UPPER_TRAPEZIUS"}],"notes":"sore after the last one"}}"""
            .formatted(PATIENT);

    @TempDir
    static Path dataDir;
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void broker() throws Exception {
        Ports ports = Ports.free();
        kafka = EmbeddedKafka.start(dataDir, ports.kafka(), ports.kafkaController());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1), new NewTopic(DLT, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetters.ORIGINAL_TOPIC, TOPIC.getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetters.ORIGINAL_PARTITION, ByteBuffer.allocate(4).putInt(2).array());
        headers.add(DeadLetters.ORIGINAL_OFFSET, ByteBuffer.allocate(8).putLong(41).array());
        headers.add(DeadLetters.ORIGINAL_GROUP, "outcomes-service".getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetters.EXCEPTION, "org.springframework.kafka.listener.ListenerExecutionFailedException".getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetters.EXCEPTION_CAUSE, "dev.knotless.platform.messaging.UndecodableEventException".getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetters.EXCEPTION_MESSAGE, "Cannot read value \"sore after the last one\" as painBefore".getBytes(StandardCharsets.UTF_8));
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>(DLT, 1, PATIENT, EVENT, headers)).get(10, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void listAndShowNameTheLetterAndItsCauseWithoutClinicalValues() {
        String listed = run("list");
        assertThat(listed).contains(DLT + "/1/0", TOPIC + "/2/41", "outcomes-service", "UndecodableEventException", "SessionRecorded", "1 dead letter");

        String shown = run("show", DLT + "/1/0");
        assertThat(shown).contains("SessionRecorded", PATIENT, "clinic-north", "sessionId, painBefore, needling, notes", "Cannot read value \"…\" as painBefore");
        assertThat(listed + shown).doesNotContain("UPPER_TRAPEZIUS", "sore after", "\"painBefore\":6");
    }

    @Test
    void aReplayedLetterGoesBackToItsTopicWithItsKeyAndValueAndWhereItCameFrom() {
        String replayed = run("replay", DLT + "/1/0");

        assertThat(replayed).contains("replayed " + DLT + "/1/0 -> " + TOPIC, "1 replayed.");
        List<ConsumerRecord<String, String>> records = readAll(TOPIC);
        assertThat(records).hasSize(1);
        ConsumerRecord<String, String> record = records.getFirst();
        assertThat(record.key()).isEqualTo(PATIENT);
        assertThat(record.value()).isEqualTo(EVENT);
        assertThat(new String(record.headers().lastHeader(DeadLetters.REPLAYED_FROM).value(), StandardCharsets.UTF_8)).isEqualTo(DLT + "/1/0");
        assertThat(new String(record.headers().lastHeader(DeadLetters.DEAD_LETTER_OF).value(), StandardCharsets.UTF_8))
                .as("the original record, by which a service releases what it held for the letter").isEqualTo(TOPIC + "/2/41");
        assertThat(record.headers().lastHeader(DeadLetters.ORIGINAL_TOPIC)).as("the dead-letter headers stay behind").isNull();
    }

    @Test
    void anUnknownLetterOrBadCoordinatesAreSaidPlainly() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(DeadLetterCommand.run(List.of("show", DLT + "/1/99", "--bootstrap-servers", kafka.bootstrapServers()), Map.of(),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err))).isEqualTo(1);
        assertThat(err.toString()).contains("No dead letter at " + DLT + "/1/99");
        assertThat(DeadLetterCommand.run(List.of("replay"), Map.of(), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err))).isEqualTo(2);
        assertThat(err.toString()).contains("either TOPIC-dlt/PARTITION/OFFSET or --all");
    }

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(List.of("--bootstrap-servers", kafka.bootstrapServers()));
        int status = DeadLetterCommand.run(command, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as(err.toString()).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer());
    }

    private static List<ConsumerRecord<String, String>> readAll(String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }
}
