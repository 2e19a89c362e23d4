package dev.knotless.platform.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Told of every record this service dead-letters, before it goes to {@code <topic>-dlt}. A service
 * whose decisions depend on every event (session-service's safety gate) records there what it could
 * not apply. If an observer fails, the record is not dead-lettered but retried, so nothing is
 * set aside unnoticed.
 *
 * <p>A dead letter sent back by {@code ./knotless dlt replay} carries {@link #DEAD_LETTER_OF}: the
 * coordinates of the original record ({@link #coordinates}), so a service can tell that what it
 * once set aside has now been applied.
 */
@FunctionalInterface
public interface DeadLetterObserver {

    /** Header of a replayed dead letter: its original record's coordinates (the launcher's DeadLetters writes it). */
    String DEAD_LETTER_OF = "knotless-dead-letter-of";

    void deadLettered(ConsumerRecord<?, ?> record, Exception cause);

    /** {@code topic/partition/offset}, the form of {@link #DEAD_LETTER_OF}. */
    static String coordinates(String topic, int partition, long offset) {
        return topic + "/" + partition + "/" + offset;
    }
}
