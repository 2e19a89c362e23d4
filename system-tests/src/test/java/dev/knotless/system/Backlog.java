package dev.knotless.system;

import dev.knotless.launcher.Service;
import java.time.Duration;
import java.util.HashMap;
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

    /** Records of the partitions {@code group} has committed on that it has not read yet. */
    long lag(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        if (committed.isEmpty()) {
            return Long.MAX_VALUE; // has not read anything yet
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
        long lag = 0;
        for (var entry : committed.entrySet()) {
            lag += ends.get(entry.getKey()).offset() - (entry.getValue() == null ? 0 : entry.getValue().offset());
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
