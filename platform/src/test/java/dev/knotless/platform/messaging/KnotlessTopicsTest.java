package dev.knotless.platform.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.events.Topics;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** The topics the services declare: the durability asked for, and dead letters kept for an operator's month. */
class KnotlessTopicsTest {

    @Test
    void everyTopicHasTheReplicationAskedForAndDeadLettersAreKeptThirtyDaysByDefault() {
        var cluster = new MessagingProperties(6, (short) 3, 2, Duration.ofDays(30),
                new MessagingProperties.Outbox(List.of(), 100, Duration.ofMinutes(1), Duration.ofMillis(200), Duration.ofSeconds(15),
                        Duration.ofSeconds(10), Duration.ofSeconds(30)),
                new MessagingProperties.Consumer(Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMinutes(1)));

        List<NewTopic> topics = KafkaMessagingConfiguration.topics(cluster);

        assertThat(topics).hasSize(2 * Topics.ALL.size());
        assertThat(topics).allSatisfy(topic -> {
            assertThat(topic.numPartitions()).isEqualTo(6);
            assertThat(topic.replicationFactor()).isEqualTo((short) 3);
            assertThat(topic.configs()).containsEntry("min.insync.replicas", "2");
        });
        assertThat(topics).filteredOn(topic -> topic.name().equals(Topics.deadLetterOf(Topics.SESSION))).singleElement()
                .satisfies(topic -> assertThat(topic.configs()).containsEntry("retention.ms", String.valueOf(Duration.ofDays(30).toMillis())));
        assertThat(topics).filteredOn(topic -> topic.name().equals(Topics.SESSION)).singleElement()
                .satisfies(topic -> assertThat(topic.configs()).doesNotContainKey("retention.ms"));
    }
}
