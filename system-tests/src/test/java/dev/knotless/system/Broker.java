package dev.knotless.system;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The system's broker as a fault test reaches it directly, with plain Kafka clients: sends what no
 * service would (keyed as the services key, so it shares the patient's partition), reads topics and
 * dead-letter topics from the start without a consumer group, and reads the services' committed offsets.
 */
final class Broker implements AutoCloseable {

    /** Where a record was written. */
    record Coordinates(String topic, int partition, long offset) {
        static Coordinates of(RecordMetadata metadata) {
            return new Coordinates(metadata.topic(), metadata.partition(), metadata.offset());
        }

        @Override
        public String toString() {
            return topic + "/" + partition + "/" + offset;
        }
    }

    /**
     * A dead letter: where it is, where its message came from and which consumer group gave up on it
     * (Spring for Apache Kafka's {@code kafka_dlt-*} headers), and where it was replayed from, if it was.
     */
    record Letter(Coordinates at, Coordinates original, String group, String exception, String replayedFrom) {
    }

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final String bootstrapServers;
    private final KafkaProducer<String, String> producer;

    Broker(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        this.producer = new KafkaProducer<>(config);
    }

    /** Sends and waits for the broker's acknowledgement; the key as the outbox relays key events (the patient id). */
    Coordinates send(String topic, String key, String value) {
        try {
            return Coordinates.of(producer.send(new ProducerRecord<>(topic, key, value)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("The broker did not take a record for " + topic, e);
        }
    }

    /** Sends a record again as it was: its partition, key, value and headers (a patient's events stay in order). */
    Coordinates resend(ConsumerRecord<String, String> record) {
        try {
            return Coordinates.of(producer.send(new ProducerRecord<>(record.topic(), record.partition(), record.key(), record.value(), record.headers()))
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("The broker did not take a record for " + record.topic(), e);
        }
    }

    /** Every record of {@code topic} now there, from the start of each partition. */
    List<ConsumerRecord<String, String>> records(String topic) {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, WAIT).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, WAIT);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition, WAIT) < ends.get(partition))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read " + topic + " to its end within " + WAIT);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        records.add(record);
                    }
                }
            }
            return records;
        }
    }

    /** The dead letters of {@code topic} ({@code <topic>-dlt}). */
    List<Letter> deadLetters(String topic) {
        return records(topic + "-dlt").stream().map(record -> new Letter(
                new Coordinates(record.topic(), record.partition(), record.offset()),
                new Coordinates(header(record, "kafka_dlt-original-topic"), intHeader(record, "kafka_dlt-original-partition"),
                        longHeader(record, "kafka_dlt-original-offset")),
                header(record, "kafka_dlt-original-consumer-group"), header(record, "kafka_dlt-exception-fqcn"),
                header(record, "knotless-replayed-from"))).toList();
    }

    /** The offset a consumer group has committed on a partition (the next record it will read), or -1. */
    long committed(String group, String topic, int partition) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            OffsetAndMetadata committed = offsets.get(new TopicPartition(topic, partition));
            return committed == null ? -1 : committed.offset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not read the offsets of " + group, e);
        }
    }

    /** The sum of the end offsets of {@code topics}: how many records they ever took. */
    long endOffsets(List<String> topics) {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = topics.stream().flatMap(topic -> consumer.partitionsFor(topic, WAIT).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))).toList();
            return consumer.endOffsets(partitions, WAIT).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private KafkaConsumer<String, String> consumer() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return new KafkaConsumer<>(config);
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Spring writes the original partition as a 4-byte int and the offset as an 8-byte long. */
    private static int intHeader(ConsumerRecord<?, ?> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null || header.value().length != 4 ? -1 : ByteBuffer.wrap(header.value()).getInt();
    }

    private static long longHeader(ConsumerRecord<?, ?> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null || header.value().length != 8 ? -1 : ByteBuffer.wrap(header.value()).getLong();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(2));
    }
}
