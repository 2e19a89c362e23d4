package dev.knotless.outcomes.timeline;

import dev.knotless.events.EventPayload.RomReading;
import dev.knotless.events.Vocabulary.Joint;
import dev.knotless.events.Vocabulary.Movement;
import dev.knotless.events.Vocabulary.RomPhase;
import dev.knotless.events.Vocabulary.Side;
import java.util.List;

/** One stored range of motion reading; {@code phase} is set for session readings only. */
record RomValue(Joint joint, Movement movement, Side side, int degrees, RomPhase phase) {

    static List<RomValue> of(List<RomReading> readings) {
        return readings == null ? List.of() : readings.stream()
                .map(r -> new RomValue(r.joint(), r.movement(), r.side(), r.degrees(), r.phase()))
                .toList();
    }
}
