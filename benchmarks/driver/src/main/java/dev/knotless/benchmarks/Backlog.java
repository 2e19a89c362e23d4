package dev.knotless.benchmarks;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** What is not yet processed: consumer lag per group (Kafka's admin API) and the services' outbox backlog gauges. */
final class Backlog implements AutoCloseable {

    static final List<String> TOPICS = List.of("knotless.intake.v1", "knotless.session.v1", "knotless.outcome.v1");
    /** The topics each consumer group of the system reads (README: how it works). */
    static final Map<String, List<String>> GROUPS = Map.of(
            "outcomes-service", TOPICS,
            "session-service", List.of("knotless.intake.v1", "knotless.outcome.v1"));

    private final Admin admin;
    private final Http http;
    /** What is left of the size's waiting time: a system that cannot catch up should not spend every wait's limit. */
    private long budgetLeftNanos;

    Backlog(String bootstrapServers, Http http, Duration budget) {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        this.admin = Admin.create(properties);
        this.http = http;
        this.budgetLeftNanos = budget.toNanos();
    }

    /** Events a group has still to read from the topics (a partition it never committed counts whole). */
    long lag(String group, List<String> topics) {
        try {
            Map<TopicPartition, Long> ends = endOffsets(topics, OffsetSpec.latest());
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            long lag = 0;
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                OffsetAndMetadata at = committed.get(end.getKey());
                lag += Math.max(0, end.getValue() - (at == null ? 0 : at.offset()));
            }
            return lag;
        } catch (Exception e) {
            return Long.MAX_VALUE;
        }
    }

    /** Events in the topics now (end minus start offsets). */
    long events(List<String> topics) {
        try {
            Map<TopicPartition, Long> ends = endOffsets(topics, OffsetSpec.latest());
            Map<TopicPartition, Long> starts = endOffsets(topics, OffsetSpec.earliest());
            return ends.entrySet().stream().mapToLong(end -> end.getValue() - starts.getOrDefault(end.getKey(), 0L)).sum();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the topics' offsets", e);
        }
    }

    private Map<TopicPartition, Long> endOffsets(List<String> topics, OffsetSpec spec) throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        described.values().forEach(topic -> topic.partitions()
                .forEach(partition -> request.put(new TopicPartition(topic.name(), partition.partition()), spec)));
        return admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().offset()));
    }

    /** The sum of knotless_outbox_pending over the services' Prometheus endpoints (NaN when one cannot be read). */
    double outboxPending(List<String> serviceUrls) {
        double pending = 0;
        for (String url : serviceUrls) {
            // Short: under the old data access the backlog gauge scans, and a slow scrape must not stall the wait.
            Http.Response response = http.get(url + "/actuator/prometheus", Duration.ofSeconds(5));
            if (response.status() != 200) {
                return Double.NaN;
            }
            for (String line : response.body().split("\n")) {
                if (line.startsWith("knotless_outbox_pending")) {
                    pending += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return pending;
    }

    /**
     * Waits until every outbox is empty and every group has read everything, twice in a row half a
     * second apart (an event handled can stage another). Bounded by {@code timeout} and by what is
     * left of the size's catch-up budget (at least a second: a caught-up system still says so).
     *
     * @return true when caught up, false when the time ran out
     */
    boolean awaitCaughtUp(String what, List<String> serviceUrls, Duration timeout) {
        long begin = System.nanoTime();
        try {
            return awaitCaughtUp(what, serviceUrls, begin, Math.min(timeout.toNanos(), Math.max(budgetLeftNanos, TimeUnit.SECONDS.toNanos(1))));
        } finally {
            budgetLeftNanos -= System.nanoTime() - begin;
        }
    }

    private boolean awaitCaughtUp(String what, List<String> serviceUrls, long begin, long limitNanos) {
        long deadline = begin + limitNanos;
        int quiet = 0;
        long nextReport = begin + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            double pending = outboxPending(serviceUrls);
            long lag = GROUPS.entrySet().stream().mapToLong(group -> lag(group.getKey(), group.getValue())).reduce(0, Math::addExact);
            quiet = pending == 0 && lag == 0 ? quiet + 1 : 0;
            if (quiet >= 2) {
                Log.info("%s: caught up in %.1f s", what, (System.nanoTime() - begin) / 1e9);
                return true;
            }
            if (System.nanoTime() > nextReport) {
                nextReport += TimeUnit.SECONDS.toNanos(5);
                Log.info("%s: waiting, %s events in outboxes, consumer lag %s", what, pending, lag == Long.MAX_VALUE ? "?" : lag);
            }
            Seeder.pause(500);
        }
        Log.info("%s: NOT caught up after %d s%s", what, TimeUnit.NANOSECONDS.toSeconds(limitNanos),
                budgetLeftNanos - limitNanos <= 0 ? " (the size's catch-up budget is spent: later waits check once)" : "");
        return false;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
