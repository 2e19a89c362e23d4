package dev.knotless.benchmarks;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import dev.knotless.embeddedstore.KeyedH2Backend;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bson.Document;

/**
 * {@code benchmarks/run store-write-cost [threads] [writes-per-thread]}: the embedded store alone, on a
 * file, written as the services write it (insert a document with an outbox, then update it by
 * {@code _id} to pull the outbox), from {@code threads} threads. Prints writes per second, CPU per write
 * of this JVM (store and client) and the file's size: the cost of committing before each answer.
 */
public final class StoreWriteCost {

    private StoreWriteCost() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int perThread = args.length > 1 ? Integer.parseInt(args[1]) : 2500;
        Path dir = Files.createTempDirectory("store-write-cost");
        Path file = dir.resolve("store.mv.db");
        MongoServer server = new MongoServer(new KeyedH2Backend(file.toString()));
        var address = server.bind();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        String filler = "x".repeat(800);
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort())) {
            MongoCollection<Document> items = client.getDatabase("cost").getCollection("items");
            write(items, threads, 500, filler, "warm-up");
            long cpuBefore = os.getProcessCpuTime();
            long begin = System.nanoTime();
            write(items, threads, perThread, filler, "measured");
            long cpu = os.getProcessCpuTime() - cpuBefore;
            long wall = System.nanoTime() - begin;
            int writes = threads * perThread * 2;
            System.out.printf("%d writes (insert, then update by _id), %d threads: %.0f writes/s, %.3f ms CPU per write (store and client), file %d MB%n",
                    writes, threads, writes / (wall / 1e9), cpu / 1e6 / writes, Files.size(file) / (1024 * 1024));
        } finally {
            server.shutdownNow();
            try (var files = Files.list(dir)) {
                for (Path path : files.toList()) {
                    Files.deleteIfExists(path);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static void write(MongoCollection<Document> items, int threads, int perThread, String filler, String prefix) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        String id = prefix + "-" + thread + "-" + i;
                        items.insertOne(new Document("_id", id).append("n", i).append("filler", filler).append("outbox", List.of(new Document("e", i))));
                        items.updateOne(Filters.eq("_id", id), Updates.combine(Updates.set("n", i + 1), Updates.unset("outbox")));
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
