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
 * With {@code --replicas N}, the instances after the first of each service behind the gateway have
 * ports of their own ({@code replicas}); instance 0 has the ports named here, as with one instance.
 */
public record Ports(int gateway, int intake, int session, int outcomes, int kafka, int kafkaController, int store, int auth,
                    int gatewayManagement, int intakeManagement, int sessionManagement, int outcomesManagement, int authManagement,
                    List<Replica> replicas) {

    /** How far a management port is from its application's port when not given: 8080 -> 9080. */
    public static final int MANAGEMENT_OFFSET = 1000;
    /** How far instance {@code i} of a service is from its first when not given: 8081, 8181, 8281 (management 9081, 9181, ...). */
    public static final int REPLICA_OFFSET = 100;
    /** Instances of each service behind the gateway at most: ten would reach the next hundred's management ports (8081 + 1000 = 9081). */
    public static final int MAX_REPLICAS = 9;

    /** The ports of instance {@code index} (1 and up) of a service behind the gateway. */
    public record Replica(Service service, int index, int port, int management) {
        public Replica {
            if (!Service.BEHIND_GATEWAY.contains(service)) {
                throw new IllegalArgumentException("Only the services behind the gateway run as several instances, not " + service);
            }
            if (index < 1) {
                throw new IllegalArgumentException("Instance 0 has the service's own ports; replicas start at 1, not " + index);
            }
        }
    }

    public Ports {
        replicas = List.copyOf(replicas);
        Map<String, Integer> byName = named(gateway, intake, session, outcomes, kafka, kafkaController, store, auth,
                gatewayManagement, intakeManagement, sessionManagement, outcomesManagement, authManagement, replicas);
        Set<Integer> seen = new HashSet<>();
        byName.forEach((name, port) -> {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("The " + name + " port must be between 1 and 65535, not " + port);
            }
            if (!seen.add(port)) {
                throw new IllegalArgumentException("Port " + port + " is given twice; every part needs its own port");
            }
        });
        List<Replica> given = replicas;
        for (Service service : Service.BEHIND_GATEWAY) {
            List<Integer> indexes = given.stream().filter(replica -> replica.service() == service).map(Replica::index).sorted().toList();
            for (int i = 0; i < indexes.size(); i++) {
                if (indexes.get(i) != i + 1) { // also two replicas of one index
                    throw new IllegalArgumentException("The instances of " + service + " must be numbered 1, 2, ... without gaps, not " + indexes);
                }
            }
        }
        int counts = (int) Service.BEHIND_GATEWAY.stream()
                .map(service -> given.stream().filter(replica -> replica.service() == service).count()).distinct().count();
        if (counts > 1) {
            throw new IllegalArgumentException("Each service behind the gateway needs as many instances as the others");
        }
    }

    /** One instance of each service: the thirteen ports. */
    public Ports(int gateway, int intake, int session, int outcomes, int kafka, int kafkaController, int store, int auth,
                 int gatewayManagement, int intakeManagement, int sessionManagement, int outcomesManagement, int authManagement) {
        this(gateway, intake, session, outcomes, kafka, kafkaController, store, auth,
                gatewayManagement, intakeManagement, sessionManagement, outcomesManagement, authManagement, List.of());
    }

    /** The eight ports, each application's management port {@value #MANAGEMENT_OFFSET} above its port (below, past 64535). */
    public Ports(int gateway, int intake, int session, int outcomes, int kafka, int kafkaController, int store, int auth) {
        this(gateway, intake, session, outcomes, kafka, kafkaController, store, auth,
                management(gateway), management(intake), management(session), management(outcomes), management(auth));
    }

    /** How many instances each service behind the gateway has: 1 plus its replicas. */
    public int instances() {
        return 1 + (int) replicas.stream().filter(replica -> replica.service() == Service.INTAKE).count();
    }

    /** How many instances {@code service} has: {@link #instances()} behind the gateway, one for the gateway and the auth-server. */
    public int instancesOf(Service service) {
        return Service.BEHIND_GATEWAY.contains(service) ? instances() : 1;
    }

    /**
     * These ports with {@code count} instances of each service behind the gateway, instance {@code i}
     * {@value #REPLICA_OFFSET}{@code  * i} above the first on both its ports (8081, 8181, ...; management
     * 9081, 9181, ...). One instance: exactly these ports, as before replicas existed.
     */
    public Ports withInstances(int count) {
        requireInstances(count);
        List<Replica> offset = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            for (Service service : Service.BEHIND_GATEWAY) {
                offset.add(new Replica(service, i, of(service) + REPLICA_OFFSET * i, managementOf(service) + REPLICA_OFFSET * i));
            }
        }
        return new Ports(gateway, intake, session, outcomes, kafka, kafkaController, store, auth,
                gatewayManagement, intakeManagement, sessionManagement, outcomesManagement, authManagement, offset);
    }

    static void requireInstances(int count) {
        if (count < 1 || count > MAX_REPLICAS) {
            throw new IllegalArgumentException("The number of instances of each service must be between 1 and " + MAX_REPLICAS + ", not " + count);
        }
    }

    /** 8080 gateway, 8081 intake, 8082 session, 8083 outcomes, 9092 Kafka, 9093 its controller, 27017 the store, 9000 the auth-server; management 9080-9083 and 10000. */
    public static Ports defaults() {
        return new Ports(8080, 8081, 8082, 8083, 9092, 9093, 27017, 9000);
    }

    /** Thirteen ports that are free right now (for tests: nothing else on the machine is disturbed). */
    public static Ports free() {
        return free(1);
    }

    /** Ports that are free right now for {@code instances} instances of each service behind the gateway. */
    public static Ports free(int instances) {
        requireInstances(instances);
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int replicaPorts = (instances - 1) * Service.BEHIND_GATEWAY.size() * 2;
            for (int i = 0; i < 13 + replicaPorts; i++) {
                sockets.add(new ServerSocket(0));
            }
            int[] p = sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
            List<Replica> replicas = new ArrayList<>();
            int next = 13;
            for (int i = 1; i < instances; i++) {
                for (Service service : Service.BEHIND_GATEWAY) {
                    replicas.add(new Replica(service, i, p[next], p[next + 1]));
                    next += 2;
                }
            }
            return new Ports(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], replicas);
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

    /** The API port of instance {@code index} of {@code service} (0: {@link #of(Service)}). */
    public int of(Service service, int index) {
        return index == 0 ? of(service) : replica(service, index).port();
    }

    /** The management port of instance {@code index} of {@code service} (0: {@link #managementOf(Service)}). */
    public int managementOf(Service service, int index) {
        return index == 0 ? managementOf(service) : replica(service, index).management();
    }

    private Replica replica(Service service, int index) {
        return replicas.stream().filter(replica -> replica.service() == service && replica.index() == index).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(service + " has no instance " + index + " (instances: " + instancesOf(service) + ")"));
    }

    /** Every port with what it is for, e.g. {@code "Kafka controller" -> 9093}, in start order. */
    public Map<String, Integer> byName() {
        return named(gateway, intake, session, outcomes, kafka, kafkaController, store, auth,
                gatewayManagement, intakeManagement, sessionManagement, outcomesManagement, authManagement, replicas);
    }

    private static int management(int port) {
        return port + MANAGEMENT_OFFSET <= 65535 ? port + MANAGEMENT_OFFSET : port - MANAGEMENT_OFFSET;
    }

    private static Map<String, Integer> named(int gateway, int intake, int session, int outcomes, int kafka, int kafkaController, int store, int auth,
                                              int gatewayManagement, int intakeManagement, int sessionManagement, int outcomesManagement, int authManagement,
                                              List<Replica> replicas) {
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
        for (Replica replica : replicas) {
            String name = Service.instanceName(replica.service(), replica.index());
            byName.put(name, replica.port());
            byName.put(name + " management", replica.management());
        }
        byName.put("gateway", gateway);
        byName.put("gateway management", gatewayManagement);
        return byName;
    }
}
