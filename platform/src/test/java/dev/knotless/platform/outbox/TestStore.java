package dev.knotless.platform.outbox;

import com.mongodb.MongoClientSettings;
import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import de.bwaldvogel.mongo.MongoServer;
import dev.knotless.embeddedstore.KeyedH2Backend;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.BsonDocument;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.support.StaticApplicationContext;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.mapping.event.MongoMappingEvent;

/**
 * The embedded run's store (mongo-java-server, keyed, counting what it examines) with a driver that records every command, and two
 * templates on it: one whose saves reach the relay's listener as in a service, one that does not
 * (a lost wake-up).
 */
final class TestStore implements AutoCloseable {

    static final String COLLECTION = "aggregates";

    /** An aggregate with an outbox, as the services' documents have. */
    static class Aggregate {
        @Id
        String id;
        List<OutboxMessage> outbox = new ArrayList<>();

        static Aggregate withEvents(String topic, Instant stagedAt, int events) {
            var aggregate = new Aggregate();
            aggregate.id = UUID.randomUUID().toString();
            for (int i = 0; i < events; i++) {
                aggregate.outbox.add(new OutboxMessage(UUID.randomUUID().toString(), topic, aggregate.id,
                        aggregate.id + "#" + i, stagedAt.plusMillis(i)));
            }
            return aggregate;
        }

        List<String> envelopes() {
            return outbox.stream().map(OutboxMessage::envelope).toList();
        }
    }

    static final String DATABASE = "relay-test";

    private final KeyedH2Backend backend = new KeyedH2Backend();
    private final MongoServer server = new MongoServer(backend);
    private final MongoClient client;
    final List<BsonDocument> commands = new CopyOnWriteArrayList<>();
    /** Saves through it reach the listener, as in a service. */
    final MongoTemplate mongo;
    /** Saves through it reach nobody: a wake-up that got lost. */
    final MongoTemplate silent;
    private OutboxWakeUpListener listener;

    TestStore() {
        var address = server.bind();
        client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + address.getPort()))
                .addCommandListener(new CommandListener() {
                    @Override
                    public void commandStarted(CommandStartedEvent event) {
                        commands.add(event.getCommand().clone());
                    }
                })
                .build());
        mongo = new MongoTemplate(client, DATABASE);
        silent = new MongoTemplate(client, DATABASE);
        var context = new StaticApplicationContext();
        context.addApplicationListener((ApplicationListener<ApplicationEvent>) event -> {
            if (listener != null && event instanceof MongoMappingEvent<?> mapping) {
                listener.onApplicationEvent(mapping);
            }
        });
        context.refresh();
        mongo.setApplicationContext(context);
    }

    void listenWith(OutboxRelay relay) {
        listener = new OutboxWakeUpListener(relay);
    }

    /** The commands of the given name sent since the last {@link #forgetCommands()}. */
    List<BsonDocument> commands(String name) {
        return commands.stream().filter(command -> command.containsKey(name)).toList();
    }

    /** The scans for staged events ({@code outbox.0} in a filter) sent since the last {@link #forgetCommands()}. */
    List<BsonDocument> scans() {
        return commands.stream().filter(command -> command.toJson().contains("\"outbox.0\"")).toList();
    }

    /** Documents the store has examined in the test database so far. */
    long examined() {
        return backend.documentsExamined().in(DATABASE);
    }

    void forgetCommands() {
        commands.clear();
    }

    List<OutboxMessage> outboxOf(String id) {
        var stored = mongo.findById(id, Aggregate.class, COLLECTION);
        return stored == null ? null : stored.outbox;
    }

    @Override
    public void close() {
        client.close();
        server.shutdownNow();
    }
}
