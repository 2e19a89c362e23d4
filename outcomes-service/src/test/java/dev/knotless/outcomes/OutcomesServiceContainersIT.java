package dev.knotless.outcomes;

import dev.knotless.testsupport.KnotlessContainers;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.context.ImportTestcontainers;
import org.springframework.context.annotation.Import;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The contract against real Kafka and MongoDB containers; skipped (visibly) where no Docker engine runs. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TestClockConfig.class)
@Testcontainers(disabledWithoutDocker = true)
@ImportTestcontainers(KnotlessContainers.class)
class OutcomesServiceContainersIT extends OutcomesServiceContract {
}
