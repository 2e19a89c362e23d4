package dev.knotless.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * What real MongoDB (Testcontainers) does with a filter: {@code explain} it and check that an index
 * serves it, never a collection scan. The counterpart of {@link DocumentReads}, which counts the
 * embedded store's reads; {@code explain} means nothing there.
 */
public final class QueryPlans {

    private static final List<String> INDEX_STAGES = List.of("IXSCAN", "EXPRESS_IXSCAN", "IDHACK", "EXPRESS_IDHACK");

    private QueryPlans() {
    }

    /** Fails unless MongoDB's winning plan for {@code filter} on {@code collection} reads through an index. */
    public static void assertServedByIndex(MongoTemplate mongo, String collection, Document filter) {
        Document winningPlan = winningPlan(mongo, collection, filter);
        assertThat(stagesOf(winningPlan)).as("stages of the plan of %s on %s: %s", filter.toJson(), collection, winningPlan.toJson())
                .doesNotContain("COLLSCAN")
                .containsAnyElementsOf(INDEX_STAGES);
    }

    /** Fails unless the plan reads through the {@code _id} index in particular. */
    public static void assertServedById(MongoTemplate mongo, String collection, Document filter) {
        assertServedByIndex(mongo, collection, filter);
        assertThat(winningPlan(mongo, collection, filter).toJson()).as("index of the plan of %s", filter.toJson())
                .containsAnyOf("\"_id_\"", "IDHACK");
    }

    private static Document winningPlan(MongoTemplate mongo, String collection, Document filter) {
        var find = new Document("find", collection).append("filter", filter);
        Document explained = mongo.executeCommand(new Document("explain", find).append("verbosity", "queryPlanner"));
        return explained.get("queryPlanner", Document.class).get("winningPlan", Document.class);
    }

    /** Every {@code stage} in a plan tree, whatever its shape (classic inputStage(s), or SBE's queryPlan). */
    private static List<String> stagesOf(Object node) {
        List<String> stages = new ArrayList<>();
        if (node instanceof Document document) {
            if (document.get("stage") instanceof String stage) {
                stages.add(stage);
            }
            document.values().forEach(value -> stages.addAll(stagesOf(value)));
        } else if (node instanceof List<?> list) {
            list.forEach(item -> stages.addAll(stagesOf(item)));
        }
        return stages;
    }
}
