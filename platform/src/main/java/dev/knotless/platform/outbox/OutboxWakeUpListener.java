package dev.knotless.platform.outbox;

import java.util.List;
import org.bson.Document;
import org.springframework.data.mongodb.core.mapping.event.AbstractMongoEventListener;
import org.springframework.data.mongodb.core.mapping.event.AfterSaveEvent;

/** Wakes the relay after any save that left staged events, so events leave within milliseconds. */
class OutboxWakeUpListener extends AbstractMongoEventListener<Object> {

    private final OutboxRelay relay;

    OutboxWakeUpListener(OutboxRelay relay) {
        this.relay = relay;
    }

    @Override
    public void onAfterSave(AfterSaveEvent<Object> event) {
        Document document = event.getDocument();
        if (document != null && document.get(OutboxMessage.FIELD) instanceof List<?> staged && !staged.isEmpty()) {
            relay.wakeUp();
        }
    }
}
