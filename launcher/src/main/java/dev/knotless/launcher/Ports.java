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

/**
 * The TCP ports of one running Knotless. All distinct, all on this machine. Each of the five
 * Spring Boot applications also has a management port (health, metrics), never its API port.
 */
public record Ports(int gateway, int intake, int session, int outcomes, int kafka, int kafkaController, int store, int auth,
                    int gatewayManagement, int intakeManagement, int sessionManagement, int outcomesManagement, int authManagement) {

    /** How far a management port is from its application's port when not given: 8080 -> 9080. */
    public static final int MANAGEMENT_OFFSET = 1000;

    public Ports {
        Map<String, Integer> byName = named(gateway, intake, session, outcomes, kafka, kafkaController, store, auth,
                gatewayManagement, intakeManagement, sessionManagement, outcomesManagement, authManagement);
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

    /** The eight ports, each application's management port {@value #MANAGEMENT_OFFSET} above its port (below, past 64535). */
    public Ports(int gateway, int intake, int session, int outcomes, int kafka, int kafkaController, int store, int auth) {
        this(gateway, intake, session, outcomes, kafka, kafkaController, store, auth,
                management(gateway), management(intake), management(session), management(outcomes), management(auth));
    }

    /** 8080 gateway, 8081 intake, 8082 session, 8083 outcomes, 9092 Kafka, 9093 its controller, 27017 the store, 9000 the auth-server; management 9080-9083 and 10000. */
    public static Ports defaults() {
        return new Ports(8080, 8081, 8082, 8083, 9092, 9093, 27017, 9000);
    }

    /** Thirteen ports that are free right now (for tests: nothing else on the machine is disturbed). */
    public static Ports free() {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 13; i++) {
                sockets.add(new ServerSocket(0));
            }
            int[] p = sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
            return new Ports(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12]);
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

    /** Where a service serves {@code /actuator/**} (health, Prometheus): never its API port. */
    public int managementOf(Service service) {
        return switch (service) {
            case GATEWAY -> gatewayManagement;
            case INTAKE -> intakeManagement;
            case SESSION -> sessionManagement;
            case OUTCOMES -> outcomesManagement;
            case AUTH -> authManagement;
        };
    }

    /** Every port with what it is for, e.g. {@code "Kafka controller" -> 9093}, in start order. */
    public Map<String, Integer> byName() {
        return named(gateway, intake, session, outcomes, kafka, kafkaController, store, auth,
                gatewayManagement, intakeManagement, sessionManagement, outcomesManagement, authManagement);
    }

    private static int management(int port) {
        return port + MANAGEMENT_OFFSET <= 65535 ? port + MANAGEMENT_OFFSET : port - MANAGEMENT_OFFSET;
    }

    private static Map<String, Integer> named(int gateway, int intake, int session, int outcomes, int kafka, int kafkaController, int store, int auth,
                                              int gatewayManagement, int intakeManagement, int sessionManagement, int outcomesManagement, int authManagement) {
        Map<String, Integer> byName = new LinkedHashMap<>();
        byName.put("Kafka", kafka);
        byName.put("Kafka controller", kafkaController);
        byName.put("store", store);
        byName.put("auth-server", auth);
        byName.put("auth-server management", authManagement);
        byName.put("intake-service", intake);
        byName.put("intake-service management", intakeManagement);
        byName.put("session-service", session);
        byName.put("session-service management", sessionManagement);
        byName.put("outcomes-service", outcomes);
        byName.put("outcomes-service management", outcomesManagement);
        byName.put("gateway", gateway);
        byName.put("gateway management", gatewayManagement);
        return byName;
    }
}
