package dev.knotless.embeddedstore;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.time.Instant;
import java.util.UUID;
import org.h2.mvstore.WriteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Index keys read back equal to what was written, and in the same order, whatever their values. */
class KeyOrderTest {

    private final KeyOrder type = new KeyOrder();

    static Object[] values() {
        return new Object[] {"text with ü and 漢字", "", 7, 1L << 40, 2.5, -0.0, true, false, null, Missing.getInstance(),
                UUID.fromString("3f1c2a4e-8d1b-4c3e-9a7f-0b1c2d3e4f50"), new ObjectId("6750a1b2c3d4e5f601234567"),
                Instant.parse("2026-12-02T08:00:00.123Z"), new Document("clinic", "c-1").append("n", 3)};
    }

    @ParameterizedTest
    @MethodSource("values")
    void aKeyOfOneValueReadsBackEqualAndInTheSamePlaceOfTheOrder(Object value) {
        KeyValue key = new KeyValue(java.util.Collections.singletonList(value));

        Object read = roundTrip(key);

        assertThat(read).isEqualTo(key);
        assertThat(type.compare(read, key)).isZero();
    }

    @Test
    void aCompoundKeyReadsBackEqualAndNonKeysKeepH2sEncoding() {
        KeyValue key = new KeyValue("clinic-a", UUID.randomUUID(), 42L);

        assertThat(roundTrip(key)).isEqualTo(key);
        assertThat(roundTrip("plain string")).isEqualTo("plain string");
        assertThat(type.compare(new KeyValue("a"), new KeyValue("b"))).isNegative();
        assertThat(type.compare(new KeyValue(2), new KeyValue(10))).as("numbers by value, not by bytes").isNegative();
    }

    private Object roundTrip(Object key) {
        WriteBuffer buffer = new WriteBuffer();
        type.write(buffer, key);
        var bytes = buffer.getBuffer();
        bytes.flip();
        Object read = type.read(bytes);
        assertThat(bytes.remaining()).as("every byte written is read").isZero();
        return read;
    }
}
