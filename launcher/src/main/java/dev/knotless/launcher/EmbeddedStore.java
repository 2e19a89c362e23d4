package dev.knotless.launcher;

import de.bwaldvogel.mongo.MongoServer;
import dev.knotless.embeddedstore.KeyedH2Backend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedded document store: <b>mongo-java-server</b>, a MongoDB wire-protocol server written in
 * Java, with its H2 MVStore file backend, listening on 127.0.0.1. It is <b>not MongoDB</b>: no
 * transactions, no change streams, part of the query language. The services talk to it with the
 * MongoDB driver as they would to MongoDB; it exists so that {@code ./knotless up} needs no
 * Docker, as H2 does for a SQL application. Data lives in one file, {@code <dataDir>/store.mv.db};
 * H2 commits about once a second, and {@link #close()} writes everything and closes the file so
 * it is consistent on the next start.
 */
public final class EmbeddedStore implements AutoCloseable {

    public static final String FILE_NAME = "store.mv.db";

    private final MongoServer server;
    private final int port;
    private final Path file;
    private boolean stopped;

    private EmbeddedStore(MongoServer server, int port, Path file) {
        this.server = server;
        this.port = port;
        this.file = file;
    }

    /** Opens (or creates) {@code <dataDir>/store.mv.db} and listens on 127.0.0.1:{@code port}. */
    public static EmbeddedStore start(Path dataDir, int port) {
        Path file = dataDir.resolve(FILE_NAME).toAbsolutePath();
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dataDir, e);
        }
        // Keyed: a filter naming _id (or another unique key) is served from its index, as MongoDB would.
        KeyedH2Backend backend = new KeyedH2Backend(file.toString());
        MongoServer server = new MongoServer(backend);
        try {
            server.bind("127.0.0.1", port);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        return new EmbeddedStore(server, port, file);
    }

    /** {@code mongodb://127.0.0.1:<port>} */
    public String connectionString() {
        return "mongodb://127.0.0.1:" + port;
    }

    /** {@code mongodb://127.0.0.1:<port>/<database>}, the form of {@code MONGODB_URI}. */
    public String uri(String database) {
        return connectionString() + "/" + database;
    }

    public Path file() {
        return file;
    }

    /** Closes client connections, stops listening, then commits and closes the file. */
    @Override
    public synchronized void close() {
        if (!stopped) {
            stopped = true;
            server.shutdownNow();
        }
    }
}
