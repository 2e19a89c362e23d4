package dev.knotless.outcomes;

import dev.knotless.outcomes.dashboard.ClinicReadModelsBackfillContract;
import dev.knotless.outcomes.dashboard.DashboardProjectorContract;
import dev.knotless.outcomes.followup.FollowUpDocumentReads;
import dev.knotless.outcomes.followup.FollowUpScheduleContract;
import dev.knotless.testsupport.EmbeddedInfrastructure;
import dev.knotless.testsupport.TestTokens;
import org.junit.jupiter.api.Nested;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The contract against a Kafka broker in this JVM and mongo-java-server (no Docker needed), and in
 * the same Spring context (one consumer group, one store): who may do what, the audit trail, and
 * the documents each operation reads.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TestClockConfig.class)
class OutcomesServiceEmbeddedIT extends OutcomesServiceContract {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        EmbeddedInfrastructure.register(registry, "knotless-outcomes");
        TestTokens.register(registry);
    }

    /** Every staff endpoint without a token, as another clinic, as an operator, with bad tokens; the survey anonymous. */
    @Nested
    class Security extends OutcomesSecurityContract {
    }

    /** One audit record per request, the survey's without its token; 503 and no write when it cannot be written. */
    @Nested
    class AuditTrail extends OutcomesAuditContract {
    }

    /** Documents read per operation at two sizes; nested to share this class's Spring context (and so its listener). */
    @Nested
    class FollowUpAndSurveyReads extends FollowUpDocumentReads {
    }

    @Nested
    class FollowUpScheduleInTheStore extends FollowUpScheduleContract {
    }

    /** The day figures of follow-ups: once per transition, of bounded size. */
    @Nested
    class ClinicDayFigures extends DashboardProjectorContract {
    }

    /** A store from before the clinic read models, rebuilt at start-up. */
    @Nested
    class ClinicReadModelsFromAnOlderStore extends ClinicReadModelsBackfillContract {
    }

    /** Documents read per request and handler at two data sizes; in this context, after the contract. */
    @Nested
    class DocumentCounts extends ReadModelDocumentCounts {
    }
}
