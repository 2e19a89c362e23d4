package dev.knotless.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

    private static final String TOPIC = "knotless.launcher-test.v1";

    @TempDir
    Path dataDir;

    @Test
    void recordsAndTopicsSurviveAStopAndAStartOnTheSameData() throws Exception {
        Ports ports = Ports.free();
        String clusterId;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, ports.kafka(), ports.kafkaController());
             Admin admin = admin(kafka)) {
            clusterId = admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, "patient-" + (i % 7), "event-" + i)).get(10, TimeUnit.SECONDS);
                }
            }
        }
        assertThat(dataDir.resolve("kafka/meta.properties")).exists();

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, ports.kafka(), ports.kafkaController());
             Admin admin = admin(kafka)) {
            assertThat(admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS))
                    .as("formatted once: the same cluster after a restart").isEqualTo(clusterId);
            assertThat(readAll(kafka.bootstrapServers(), 100)).hasSize(100)
                    .extracting(ConsumerRecord::value).contains("event-0", "event-99");
        }
    }

    @Test
    void topicsAreNotCreatedAutomatically() throws Exception {
        Ports ports = Ports.free();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, ports.kafka(), ports.kafkaController());
             KafkaConsumer<String, String> consumer = consumer(kafka.bootstrapServers())) {
            consumer.partitionsFor("knotless.nobody-declared-this.v1", Duration.ofSeconds(2));
            try (Admin admin = admin(kafka)) {
                Set<String> topics = admin.listTopics().names().get(10, TimeUnit.SECONDS);
                assertThat(topics).doesNotContain("knotless.nobody-declared-this.v1");
            }
        }
    }

    @Test
    void itsDataLivesInTheKafkaFolderOfTheDataDirectory() throws Exception {
        Ports ports = Ports.free();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, ports.kafka(), ports.kafkaController())) {
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + ports.kafka());
        }
        try (var files = Files.list(dataDir)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactly("kafka");
        }
    }

    private static List<ConsumerRecord<String, String>> readAll(String bootstrapServers, int expected) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(bootstrapServers)) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    private static KafkaConsumer<String, String> consumer(String bootstrapServers) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "a-new-group-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer());
    }

    private static Admin admin(EmbeddedKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }
}
