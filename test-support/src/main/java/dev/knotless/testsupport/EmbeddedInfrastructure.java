package dev.knotless.testsupport;

import de.bwaldvogel.mongo.MongoServer;
import dev.knotless.embeddedstore.KeyedH2Backend;
import java.net.InetSocketAddress;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The no-Docker infrastructure of the integration tests: a real Kafka broker (KRaft, Kafka's own
 * server code, started in this JVM by spring-kafka-test) and mongo-java-server, a MongoDB
 * wire-protocol server, in memory and keyed as {@code ./knotless up} runs it ({@link KeyedH2Backend}).
 * It is not MongoDB: tests keep to what both support. Started once per test JVM and shared by
 * every Spring context in it.
 */
public final class EmbeddedInfrastructure {

    private static EmbeddedKafkaKraftBroker broker;
    private static MongoServer store;
    private static KeyedH2Backend storeBackend;
    private static InetSocketAddress storeAddress;

    private EmbeddedInfrastructure() {
    }

    public static synchronized void start() {
        if (broker != null) {
            return;
        }
        broker = new EmbeddedKafkaKraftBroker(1, 3);
        broker.brokerProperty("auto.create.topics.enable", "false");
        broker.afterPropertiesSet();
        storeBackend = new KeyedH2Backend();
        store = new MongoServer(storeBackend);
        storeAddress = store.bind();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            store.shutdownNow();
            broker.destroy();
        }, "embedded-infrastructure-stop"));
    }

    public static String bootstrapServers() {
        start();
        return broker.getBrokersAsString();
    }

    public static String mongoUri(String database) {
        start();
        return "mongodb://127.0.0.1:" + storeAddress.getPort() + "/" + database;
    }

    /** Documents the embedded store has examined in {@code database} so far; see {@link DocumentReads}. */
    static long documentsExamined(String database) {
        start();
        return storeBackend.documentsExamined().in(database);
    }

    /** For {@code @DynamicPropertySource}: points Kafka and MongoDB at the shared embedded pair. */
    public static void register(DynamicPropertyRegistry registry, String database) {
        registry.add("spring.kafka.bootstrap-servers", EmbeddedInfrastructure::bootstrapServers);
        registry.add("spring.mongodb.uri", () -> mongoUri(database));
    }
}
