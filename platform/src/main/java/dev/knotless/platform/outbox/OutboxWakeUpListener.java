package dev.knotless.platform.outbox;

import java.util.List;
import org.bson.Document;
import org.springframework.data.mongodb.core.mapping.event.AbstractMongoEventListener;
import org.springframework.data.mongodb.core.mapping.event.AfterSaveEvent;

/**
 * Hands the relay the collection and {@code _id} of every saved or inserted document that holds
 * staged events, so they leave within milliseconds and the relay never has to look for them.
 */
class OutboxWakeUpListener extends AbstractMongoEventListener<Object> {

    private final OutboxRelay relay;

    OutboxWakeUpListener(OutboxRelay relay) {
        this.relay = relay;
    }

    @Override
    public void onAfterSave(AfterSaveEvent<Object> event) {
        Document document = event.getDocument();
        if (document != null && document.get(OutboxMessage.FIELD) instanceof List<?> staged && !staged.isEmpty()) {
            relay.staged(event.getCollectionName(), document.get("_id"), OutboxRelay.oldestStagedAt(staged));
        }
    }
}
