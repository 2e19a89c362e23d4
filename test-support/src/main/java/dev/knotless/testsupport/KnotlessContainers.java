package dev.knotless.testsupport;

import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.mongodb.MongoDBContainer;

/**
 * The Docker infrastructure of the integration tests, for {@code @ImportTestcontainers}: the
 * apache/kafka image in KRaft mode and real MongoDB as a single-node replica set, as in
 * docker-compose.yml. Test classes using it carry
 * {@code @Testcontainers(disabledWithoutDocker = true)} so they are reported skipped where no
 * Docker engine runs.
 */
public interface KnotlessContainers {

    @ServiceConnection
    KafkaContainer kafka = new KafkaContainer("apache/kafka:4.1.2");

    @ServiceConnection
    MongoDBContainer mongo = new MongoDBContainer("mongo:8.0").withReplicaSet();
}
