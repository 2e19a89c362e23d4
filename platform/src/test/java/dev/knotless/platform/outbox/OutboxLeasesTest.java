package dev.knotless.platform.outbox;

import static dev.knotless.platform.outbox.TestStore.COLLECTION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.platform.MovableTestClock;
import dev.knotless.platform.outbox.OutboxRelay.Staged;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The leases two relays take on documents, against the embedded store: who holds what, and by key only. */
class OutboxLeasesTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private final TestStore store = new TestStore();
    private final MovableTestClock clock = new MovableTestClock(Instant.parse("2026-11-20T15:00:00Z"));
    private final OutboxLeases first = new OutboxLeases(store.mongo, "first", LEASE, clock);
    private final OutboxLeases second = new OutboxLeases(store.mongo, "second", LEASE, clock);
    private final List<Staged> documents = IntStream.range(0, 5).mapToObj(i -> new Staged(COLLECTION, "doc-" + i)).toList();

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aDocumentIsHeldByOneRelayAtATime() {
        var claimed = first.claim(documents.subList(0, 3));
        assertThat(claimed.held()).containsExactlyInAnyOrderElementsOf(documents.subList(0, 3));
        assertThat(claimed.heldElsewhere()).isEmpty();

        var overlapping = second.claim(documents);

        assertThat(overlapping.held()).containsExactlyInAnyOrderElementsOf(documents.subList(3, 5));
        assertThat(overlapping.heldElsewhere()).containsOnlyKeys(documents.subList(0, 3))
                .allSatisfy((document, until) -> assertThat(until).isEqualTo(clock.instant().plus(LEASE)));
    }

    @Test
    void aReleasedDocumentCanBeTakenAtOnce() {
        first.claim(documents);
        first.release(documents);

        assertThat(second.claim(documents).held()).containsExactlyInAnyOrderElementsOf(documents);
        assertThat(store.mongo.getCollection(OutboxLeases.COLLECTION).countDocuments()).isEqualTo(5);
    }

    @Test
    void theLeaseOfARelayThatDiedRunsOutAndAnotherTakesTheDocumentOver() {
        first.claim(documents); // and dies: nothing releases them
        clock.advance(LEASE.minusMillis(1));
        assertThat(second.claim(documents).held()).isEmpty();

        clock.advance(Duration.ofMillis(1));
        assertThat(second.claim(documents).held()).containsExactlyInAnyOrderElementsOf(documents);

        // The first one, back from a long pause, lets go only of what is still its own: nothing.
        first.release(documents);
        assertThat(first.claim(documents).heldElsewhere()).containsOnlyKeys(documents);
    }

    @Test
    void aRelayTakesItsOwnLeaseAgain() {
        first.claim(documents); // a pass whose release failed
        clock.advance(Duration.ofSeconds(5));

        assertThat(first.claim(documents).held()).containsExactlyInAnyOrderElementsOf(documents);
        Document lease = store.mongo.getCollection(OutboxLeases.COLLECTION).find(new Document("_id", OutboxLeases.idOf(documents.get(0)))).first();
        assertThat(lease.getDate("until").toInstant()).isEqualTo(clock.instant().plus(LEASE));
    }

    @Test
    void leasesAreWrittenReadAndDeletedByKeyOnly() {
        first.claim(documents);
        store.forgetCommands();

        second.claim(documents);
        first.release(documents);

        assertThat(store.commands("insert")).hasSize(1);
        for (String command : List.of("update", "delete")) {
            assertThat(store.commands(command)).singleElement().satisfies(write -> {
                var statement = write.getArray(command.equals("update") ? "updates" : "deletes").get(0).asDocument();
                assertThat(idCondition(statement.getDocument("q"))).containsKey("$in");
            });
        }
        assertThat(store.commands("find")).singleElement()
                .satisfies(find -> assertThat(find.getDocument("filter").getDocument("_id").keySet()).isEqualTo(Set.of("$in")));
    }

    /** The {@code _id} condition of a filter, at its top or in one branch of a top-level {@code $and}. */
    private static BsonDocument idCondition(BsonDocument filter) {
        if (filter.containsKey("_id")) {
            return filter.getDocument("_id");
        }
        return filter.getArray("$and").stream().map(branch -> branch.asDocument())
                .filter(branch -> branch.containsKey("_id")).findFirst().orElseThrow().getDocument("_id");
    }
}
