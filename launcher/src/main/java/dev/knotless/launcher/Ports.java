package dev.knotless.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The TCP ports of one running Knotless. All distinct, all on this machine. */
public record Ports(int gateway, int intake, int session, int outcomes, int kafka, int kafkaController, int store, int auth) {

    public Ports {
        Map<String, Integer> byName = named(gateway, intake, session, outcomes, kafka, kafkaController, store, auth);
        Set<Integer> seen = new HashSet<>();
        byName.forEach((name, port) -> {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("The " + name + " port must be between 1 and 65535, not " + port);
            }
            if (!seen.add(port)) {
                throw new IllegalArgumentException("Port " + port + " is given twice; every part needs its own port");
            }
        });
    }

    /** 8080 gateway, 8081 intake, 8082 session, 8083 outcomes, 9092 Kafka, 9093 its controller, 27017 the store, 9000 the auth-server. */
    public static Ports defaults() {
        return new Ports(8080, 8081, 8082, 8083, 9092, 9093, 27017, 9000);
    }

    /** Eight ports that are free right now (for tests: nothing else on the machine is disturbed). */
    public static Ports free() {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                sockets.add(new ServerSocket(0));
            }
            int[] p = sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
            return new Ports(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            sockets.forEach(socket -> {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a probe socket
                }
            });
        }
    }

    public int of(Service service) {
        return switch (service) {
            case GATEWAY -> gateway;
            case INTAKE -> intake;
            case SESSION -> session;
            case OUTCOMES -> outcomes;
            case AUTH -> auth;
        };
    }

    /** Every port with what it is for, e.g. {@code "Kafka controller" -> 9093}, in start order. */
    public Map<String, Integer> byName() {
        return named(gateway, intake, session, outcomes, kafka, kafkaController, store, auth);
    }

    private static Map<String, Integer> named(int gateway, int intake, int session, int outcomes, int kafka, int kafkaController, int store, int auth) {
        Map<String, Integer> byName = new LinkedHashMap<>();
        byName.put("Kafka", kafka);
        byName.put("Kafka controller", kafkaController);
        byName.put("store", store);
        byName.put("auth-server", auth);
        byName.put("intake-service", intake);
        byName.put("session-service", session);
        byName.put("outcomes-service", outcomes);
        byName.put("gateway", gateway);
        return byName;
    }
}
