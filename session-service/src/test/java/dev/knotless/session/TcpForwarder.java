package dev.knotless.session;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback port that refuses connections (nothing listens) until {@link #openTo} makes it forward
 * every connection to a target: a real address that is out of reach, then reachable.
 */
final class TcpForwarder implements AutoCloseable {

    private final int port;
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

    private TcpForwarder(int port) {
        this.port = port;
    }

    /** A port that was free a moment ago, and that nothing listens on. */
    static TcpForwarder onFreePort() {
        try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new TcpForwarder(probe.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    /** Starts listening; each connection is relayed both ways to {@code host:targetPort}. */
    void openTo(String host, int targetPort) throws IOException {
        var server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        open.add(server);
        Thread.ofVirtual().name("forwarder-accept").start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    open.add(client);
                    Socket target;
                    try {
                        target = connect(host, targetPort);
                    } catch (IOException e) {
                        client.close();
                        continue;
                    }
                    open.add(target);
                    relay(client.getInputStream(), target.getOutputStream(), target);
                    relay(target.getInputStream(), client.getOutputStream(), client);
                } catch (IOException e) {
                    // the forwarder was closed
                }
            }
        });
    }

    /** The first of the host's addresses that answers ("localhost" may be ::1 first while the broker listens on IPv4). */
    private static Socket connect(String host, int port) throws IOException {
        IOException last = null;
        for (InetAddress address : InetAddress.getAllByName(host)) {
            try {
                return new Socket(address, port);
            } catch (IOException e) {
                last = e;
            }
        }
        throw last == null ? new IOException("no address for " + host) : last;
    }

    private static void relay(InputStream from, OutputStream to, Socket toSocket) {
        Thread.ofVirtual().name("forwarder-relay").start(() -> {
            try {
                from.transferTo(to);
                toSocket.shutdownOutput();
            } catch (IOException e) {
                // one side went away
            }
        });
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }
}
