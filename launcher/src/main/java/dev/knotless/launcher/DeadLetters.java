package dev.knotless.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code ./knotless dlt list|show|replay}: the dead letters of every {@code <topic>-dlt}, read straight
 * from the broker (no consumer group, nothing committed), shown without clinical values, and replayed
 * to the topic they came from. Replaying is safe twice over: every consumer applies an event at most
 * once (it records the event id in the same write as the effect, docs/architecture.md decision 2), and
 * a message that still fails is dead-lettered again, visibly.
 *
 * <p>What is shown: where the letter came from (topic, partition, offset, time, consumer group), why
 * (the exception's class and its cause's, and its message with every quoted value masked), and the
 * event's envelope (id, type, schema version, time, patient id, clinic) with only the names of the
 * payload's fields. Never the payload's values, never the stack trace.
 */
final class DeadLetters implements AutoCloseable {

    /** Spring for Apache Kafka's DeadLetterPublishingRecoverer headers (KafkaHeaders.DLT_*). */
    static final String ORIGINAL_TOPIC = "kafka_dlt-original-topic";
    static final String ORIGINAL_PARTITION = "kafka_dlt-original-partition";
    static final String ORIGINAL_OFFSET = "kafka_dlt-original-offset";
    static final String ORIGINAL_TIMESTAMP = "kafka_dlt-original-timestamp";
    static final String ORIGINAL_GROUP = "kafka_dlt-original-consumer-group";
    static final String EXCEPTION = "kafka_dlt-exception-fqcn";
    static final String EXCEPTION_CAUSE = "kafka_dlt-exception-cause-fqcn";
    static final String EXCEPTION_MESSAGE = "kafka_dlt-exception-message";
    /** Added to a replayed message: where it was replayed from (the dead letter's coordinates). */
    static final String REPLAYED_FROM = "knotless-replayed-from";
    /**
     * Added to a replayed message: the original record's coordinates ({@code topic/partition/offset}), by which
     * a service releases what it held for the letter (platform's {@code DeadLetterObserver.DEAD_LETTER_OF}:
     * the launcher does not depend on the platform, so the name is repeated here).
     */
    static final String DEAD_LETTER_OF = "knotless-dead-letter-of";

    private static final String SUFFIX = "-dlt";
    private static final Pattern COORDINATES = Pattern.compile("(.+-dlt)/(\\d+)/(\\d+)");
    private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"|'[^']*'");
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** One dead letter, as shown. */
    record Letter(String dltTopic, int partition, long offset, Instant deadLetteredAt, String originalTopic, String originalCoordinates,
                  String group, String exception, String cause, String message, Envelope envelope) {

        String coordinates() {
            return dltTopic + "/" + partition + "/" + offset;
        }
    }

    /** The envelope's metadata; {@code payloadFields} names the payload's fields, never their values. */
    record Envelope(String eventId, String type, String schemaVersion, String occurredAt, String patientId, String clinicId,
                    List<String> payloadFields, String problem) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrapServers;
    private final KafkaConsumer<byte[], byte[]> consumer;

    DeadLetters(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) WAIT.toMillis());
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(config);
    }

    /** The dead letters of every dead-letter topic (or of {@code onlyTopic}), at most {@code limit} of each topic, oldest first. */
    List<Letter> list(Optional<String> onlyTopic, int limit) {
        List<Letter> letters = new ArrayList<>();
        for (String topic : deadLetterTopics()) {
            if (onlyTopic.isPresent() && !onlyTopic.get().equals(topic) && !(onlyTopic.get() + SUFFIX).equals(topic)) {
                continue;
            }
            letters.addAll(read(topic, limit));
        }
        return letters;
    }

    /** The dead letter at {@code dltTopic/partition/offset}. */
    Optional<Letter> show(String coordinates) {
        return recordAt(coordinates).map(DeadLetters::letter);
    }

    /** Sends the dead letter back to its original topic with its key, value and own headers; returns where it went. */
    String replay(String coordinates) {
        ConsumerRecord<byte[], byte[]> record = recordAt(coordinates)
                .orElseThrow(() -> new IllegalArgumentException("No dead letter at " + coordinates));
        return send(List.of(record)).getFirst();
    }

    /** Replays every dead letter of every dead-letter topic (or of {@code onlyTopic}), in order; returns where each went. */
    List<String> replayAll(Optional<String> onlyTopic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (String topic : deadLetterTopics()) {
            if (onlyTopic.isEmpty() || onlyTopic.get().equals(topic) || (onlyTopic.get() + SUFFIX).equals(topic)) {
                records.addAll(records(topic, Integer.MAX_VALUE));
            }
        }
        return send(records);
    }

    private List<String> send(List<ConsumerRecord<byte[], byte[]>> records) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) WAIT.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) WAIT.toMillis());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        List<String> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                String original = header(record, ORIGINAL_TOPIC)
                        .orElseThrow(() -> new IllegalStateException(coordinatesOf(record) + " has no " + ORIGINAL_TOPIC + " header: not a dead letter"));
                RecordHeaders headers = new RecordHeaders();
                for (Header header : record.headers()) {
                    if (!header.key().startsWith("kafka_dlt-") && !header.key().equals(REPLAYED_FROM) && !header.key().equals(DEAD_LETTER_OF)) {
                        headers.add(header);
                    }
                }
                headers.add(REPLAYED_FROM, coordinatesOf(record).getBytes(StandardCharsets.UTF_8));
                String originalCoordinates = original + "/" + number(record, ORIGINAL_PARTITION, true).orElse("?") + "/"
                        + number(record, ORIGINAL_OFFSET, false).orElse("?");
                headers.add(DEAD_LETTER_OF, originalCoordinates.getBytes(StandardCharsets.UTF_8));
                RecordMetadata metadata = producer.send(new ProducerRecord<>(original, null, record.key(), record.value(), headers))
                        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                sent.add(coordinatesOf(record) + " -> " + metadata.topic() + "/" + metadata.partition() + "/" + metadata.offset());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while replaying", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("The broker did not take a replayed message (" + sent.size() + " sent before it): " + e.getMessage(), e);
        }
        return sent;
    }

    private List<String> deadLetterTopics() {
        Map<String, List<PartitionInfo>> topics = consumer.listTopics(WAIT);
        return topics.keySet().stream().filter(topic -> topic.endsWith(SUFFIX)).sorted().toList();
    }

    private List<Letter> read(String topic, int limit) {
        return records(topic, limit).stream().map(DeadLetters::letter).toList();
    }

    private List<ConsumerRecord<byte[], byte[]>> records(String topic, int limit) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, WAIT).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, WAIT);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (records.size() < limit && partitions.stream().anyMatch(partition -> consumer.position(partition, WAIT) < ends.get(partition))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Could not read " + topic + " to its end within " + WAIT.toSeconds() + " s");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (records.size() < limit && record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                    records.add(record);
                }
            }
        }
        return records;
    }

    private Optional<ConsumerRecord<byte[], byte[]>> recordAt(String coordinates) {
        Matcher matcher = COORDINATES.matcher(coordinates);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + coordinates + "' is not TOPIC-dlt/PARTITION/OFFSET (as dlt list prints them)");
        }
        TopicPartition partition = new TopicPartition(matcher.group(1), Integer.parseInt(matcher.group(2)));
        long offset = Long.parseLong(matcher.group(3));
        consumer.assign(List.of(partition));
        Long end = consumer.endOffsets(List.of(partition), WAIT).get(partition);
        if (end == null || offset >= end) {
            return Optional.empty();
        }
        consumer.seek(partition, offset);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() == offset) {
                    return Optional.of(record);
                }
                if (record.offset() > offset) {
                    return Optional.empty(); // compacted or deleted by retention
                }
            }
        }
        throw new IllegalStateException("Could not read " + coordinates + " within " + WAIT.toSeconds() + " s");
    }

    static Letter letter(ConsumerRecord<byte[], byte[]> record) {
        String originalTopic = header(record, ORIGINAL_TOPIC).orElse("?");
        String original = originalTopic + "/" + number(record, ORIGINAL_PARTITION, true).orElse("?") + "/" + number(record, ORIGINAL_OFFSET, false).orElse("?");
        return new Letter(record.topic(), record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()), originalTopic, original,
                header(record, ORIGINAL_GROUP).orElse("?"), header(record, EXCEPTION).orElse("?"), header(record, EXCEPTION_CAUSE).orElse(""),
                header(record, EXCEPTION_MESSAGE).map(DeadLetters::maskValues).orElse(""), envelope(record.value()));
    }

    /** Quoted text in an exception message is usually a value from the message (Jackson quotes what it could not read). */
    static String maskValues(String message) {
        String masked = QUOTED.matcher(message).replaceAll("\"…\"");
        return masked.length() > 300 ? masked.substring(0, 300) + "…" : masked;
    }

    static Envelope envelope(byte[] value) {
        if (value == null) {
            return new Envelope("", "", "", "", "", "", List.of(), "no value");
        }
        try {
            JsonNode node = JSON.readTree(value);
            if (node == null || !node.isObject()) {
                return new Envelope("", "", "", "", "", "", List.of(), "not a JSON object");
            }
            List<String> fields = new ArrayList<>();
            JsonNode payload = node.path("payload");
            for (Iterator<String> names = payload.fieldNames(); names.hasNext(); ) {
                fields.add(names.next());
            }
            return new Envelope(text(node, "eventId"), text(node, "type"), text(node, "schemaVersion"), text(node, "occurredAt"),
                    text(node, "patientId"), text(node, "clinicId"), fields, payload.isObject() ? "" : "no payload object");
        } catch (java.io.IOException e) {
            return new Envelope("", "", "", "", "", "", List.of(), "not JSON (" + value.length + " bytes)");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "" : value.isValueNode() ? value.asText() : "(" + value.getNodeType().name().toLowerCase() + ")";
    }

    private static Optional<String> header(ConsumerRecord<?, ?> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? Optional.empty() : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    /** Spring writes the original partition as a 4-byte int and the offset and timestamp as 8-byte longs. */
    private static Optional<String> number(ConsumerRecord<?, ?> record, String key, boolean isInt) {
        Header header = record.headers().lastHeader(key);
        if (header == null) {
            return Optional.empty();
        }
        byte[] bytes = header.value();
        if (isInt && bytes.length == 4) {
            return Optional.of(String.valueOf(java.nio.ByteBuffer.wrap(bytes).getInt()));
        }
        if (!isInt && bytes.length == 8) {
            return Optional.of(String.valueOf(java.nio.ByteBuffer.wrap(bytes).getLong()));
        }
        return Optional.of(new String(bytes, StandardCharsets.UTF_8));
    }

    private static String coordinatesOf(ConsumerRecord<?, ?> record) {
        return record.topic() + "/" + record.partition() + "/" + record.offset();
    }

    /** One line per letter, for {@code dlt list}. */
    static void printList(List<Letter> letters, PrintStream out) {
        if (letters.isEmpty()) {
            out.println("No dead letters.");
            return;
        }
        for (Letter letter : letters) {
            Envelope envelope = letter.envelope();
            out.printf("%s  %s  from %s  group %s  %s%s  %s%n", letter.coordinates(), letter.deadLetteredAt(), letter.originalCoordinates(),
                    letter.group(), simpleName(letter.exception()), letter.cause().isEmpty() ? "" : " (" + simpleName(letter.cause()) + ")",
                    envelope.problem().isEmpty() ? envelope.type() + " " + envelope.eventId() : envelope.problem());
        }
        out.println(letters.size() + " dead letter" + (letters.size() == 1 ? "" : "s") + ". Show one: ./knotless dlt show TOPIC/PARTITION/OFFSET");
    }

    /** Everything shown about one letter, for {@code dlt show}. */
    static void printLetter(Letter letter, PrintStream out) {
        Envelope envelope = letter.envelope();
        out.println("dead letter      " + letter.coordinates() + " at " + letter.deadLetteredAt());
        out.println("came from        " + letter.originalCoordinates() + " (consumer group " + letter.group() + ")");
        out.println("exception        " + letter.exception());
        if (!letter.cause().isEmpty()) {
            out.println("cause            " + letter.cause());
        }
        out.println("message          " + letter.message() + "  (quoted values masked)");
        if (!envelope.problem().isEmpty()) {
            out.println("event            " + envelope.problem());
        } else {
            out.println("event            " + envelope.type() + " v" + envelope.schemaVersion() + " " + envelope.eventId() + " at " + envelope.occurredAt());
            out.println("patient, clinic  " + envelope.patientId() + ", " + envelope.clinicId());
            out.println("payload fields   " + String.join(", ", envelope.payloadFields()) + "  (values not shown)");
        }
        out.println("Replay it: ./knotless dlt replay " + letter.coordinates());
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
