package dev.knotless.system;

import dev.knotless.launcher.Service;
import java.time.Duration;
import dev.knotless.events.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** What is still on its way in a running system: records not yet read by a consumer group, events still in outboxes. */
final class Backlog implements AutoCloseable {

    private final RunningSystem system;
    private final Metrics metrics;
    private final Admin admin;

    /** {@code operatorToken}: the operator demo account's, which may read the services' metrics. */
    Backlog(RunningSystem system, String operatorToken) {
        this.system = system;
        this.metrics = new Metrics(system, operatorToken);
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafkaBootstrapServers()));
    }

    /**
     * Records of the group's topics it has not read yet: every partition of them, a partition it has
     * committed nothing on counted from its first record. Counting only the partitions already
     * committed on reported a batch listener still in its first poll of one partition as drained.
     * session-service's group reads the intake and outcome topics; every other group (outcomes-service
     * and its rebuilds) all three.
     */
    long lag(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        if (committed.isEmpty()) {
            return Long.MAX_VALUE; // has not read anything yet
        }
        List<String> topics = group.equals("session-service") ? List.of(Topics.INTAKE, Topics.OUTCOME)
                : List.of(Topics.INTAKE, Topics.SESSION, Topics.OUTCOME);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values().forEach(topic -> topic.partitions().forEach(info -> {
            latest.put(new TopicPartition(topic.name(), info.partition()), OffsetSpec.latest());
            earliest.put(new TopicPartition(topic.name(), info.partition()), OffsetSpec.earliest());
        }));
        var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
        var starts = admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS);
        long lag = 0;
        for (TopicPartition partition : latest.keySet()) {
            OffsetAndMetadata at = committed.get(partition);
            long from = at == null ? starts.get(partition).offset() : at.offset();
            lag += Math.max(0, ends.get(partition).offset() - from);
        }
        return lag;
    }

    /** Sum of {@code knotless.outbox.pending} over the three services, each instance's own relay (their management ports, as the operator). */
    int outboxPending() {
        int pending = 0;
        for (Service service : Service.BEHIND_GATEWAY) {
            for (int index = 0; index < system.instances(service); index++) {
                pending += (int) metrics.sum(service, index, "knotless_outbox_pending", null);
            }
        }
        return pending;
    }

    /**
     * Waits until each group has read everything and no outbox holds an event, printing where things
     * stand every 10 s (so a run that times out says which part did not drain).
     */
    void awaitDrained(Duration timeout, String... groups) {
        awaitDrained(timeout, null, groups);
    }

    /** As {@link #awaitDrained(Duration, String...)}, failing at once when {@code consumer} (a process reading for one of the groups) ends. */
    void awaitDrained(Duration timeout, Process consumer, String... groups) {
        long[] lastReport = {System.nanoTime()};
        org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofSeconds(1)).until(() -> {
            if (consumer != null && !consumer.isAlive()) {
                throw new AssertionError("The consumer process ended with exit code " + consumer.exitValue() + "; see its log");
            }
            Map<String, Long> lags = new java.util.LinkedHashMap<>();
            for (String group : groups) {
                lags.put(group, lag(group));
            }
            int pending = outboxPending();
            if (System.nanoTime() - lastReport[0] > Duration.ofSeconds(10).toNanos()) {
                lastReport[0] = System.nanoTime();
                System.out.printf("[backlog] consumer lag %s, events in outboxes %d%n", lags, pending);
            }
            return pending == 0 && lags.values().stream().allMatch(lag -> lag == 0);
        });
    }

    @Override
    public void close() {
        admin.close();
    }
}
