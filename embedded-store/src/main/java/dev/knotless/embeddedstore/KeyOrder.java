package dev.knotless.embeddedstore;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.ObjectDataType;

/**
 * The key type of a unique index's H2 map: ordered by comparing the key's values, and written in a
 * compact form of its own.
 *
 * <p>H2 does not know mongo-java-server's {@link KeyValue}. Its default type ordered two keys by
 * Java-serializing both, on every comparison of every lookup (a fifth of the store's time under
 * load), and it still Java-serialized every key of a page each time a commit wrote the page, and
 * deserialized them each time a page was read back: a quarter of the launcher's CPU at the large
 * benchmark size (JFR, docs/PERFORMANCE.md). The index only needs a total order consistent with
 * equality of the normalized keys it holds, which MongoDB's value order over the key's values
 * gives; and the values of Knotless's keys are strings, UUIDs, numbers, ObjectIds and booleans,
 * written here as a tag and their bytes. Any other value keeps H2's own encoding (Java
 * serialization for what H2 does not know), behind a tag of its own.
 */
final class KeyOrder extends BasicDataType<Object> {

    private static final ValueComparator VALUES = ValueComparator.asc();

    private static final byte KEY = 'K';
    private static final byte OTHER_KEY = 'k';
    private static final byte NULL = 'N';
    private static final byte MISSING = 'M';
    private static final byte STRING = 'S';
    private static final byte UUID_VALUE = 'U';
    private static final byte INTEGER = 'I';
    private static final byte LONG = 'L';
    private static final byte DOUBLE = 'D';
    private static final byte OBJECT_ID = 'O';
    private static final byte TRUE = 'T';
    private static final byte FALSE = 'F';
    private static final byte OTHER = 'X';

    /** H2's encoding, for what this type does not write itself. */
    private final ObjectDataType h2 = new ObjectDataType();

    @Override
    public Object[] createStorage(int size) {
        return new Object[size];
    }

    @Override
    public int compare(Object a, Object b) {
        if (a instanceof KeyValue left && b instanceof KeyValue right) {
            int bySize = Integer.compare(left.size(), right.size());
            if (bySize != 0) {
                return bySize;
            }
            for (int i = 0; i < left.size(); i++) {
                int byValue = VALUES.compare(left.get(i), right.get(i));
                if (byValue != 0) {
                    return byValue;
                }
            }
            return 0;
        }
        return h2.compare(a, b);
    }

    @Override
    public int getMemory(Object key) {
        if (key instanceof KeyValue values) {
            int memory = 24;
            for (Object value : values) {
                memory += value instanceof String text ? 40 + 2 * text.length() : 32;
            }
            return memory;
        }
        return h2.getMemory(key);
    }

    @Override
    public void write(WriteBuffer buffer, Object key) {
        if (!(key instanceof KeyValue values)) {
            buffer.put(OTHER_KEY);
            h2.write(buffer, key);
            return;
        }
        buffer.put(KEY).putVarInt(values.size());
        for (Object value : values) {
            writeValue(buffer, value);
        }
    }

    private void writeValue(WriteBuffer buffer, Object value) {
        switch (value) {
            case null -> buffer.put(NULL);
            case Missing missing -> buffer.put(MISSING);
            case String text -> {
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                buffer.put(STRING).putVarInt(bytes.length).put(bytes);
            }
            case UUID uuid -> buffer.put(UUID_VALUE).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
            case Integer number -> buffer.put(INTEGER).putInt(number);
            case Long number -> buffer.put(LONG).putLong(number);
            case Double number -> buffer.put(DOUBLE).putDouble(number);
            case ObjectId id -> buffer.put(OBJECT_ID).put(id.toByteArray());
            case Boolean flag -> buffer.put(flag ? TRUE : FALSE);
            default -> {
                buffer.put(OTHER);
                h2.write(buffer, value);
            }
        }
    }

    @Override
    public Object read(ByteBuffer buffer) {
        byte tag = buffer.get();
        if (tag == OTHER_KEY) {
            return h2.read(buffer);
        }
        if (tag != KEY) {
            throw new IllegalStateException("Not a key written by KeyOrder: tag " + tag);
        }
        int size = DataUtils.readVarInt(buffer);
        List<Object> values = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            values.add(readValue(buffer));
        }
        return new KeyValue(values);
    }

    private Object readValue(ByteBuffer buffer) {
        byte tag = buffer.get();
        return switch (tag) {
            case NULL -> null;
            case MISSING -> Missing.getInstance();
            case STRING -> {
                byte[] bytes = new byte[DataUtils.readVarInt(buffer)];
                buffer.get(bytes);
                yield new String(bytes, StandardCharsets.UTF_8);
            }
            case UUID_VALUE -> new UUID(buffer.getLong(), buffer.getLong());
            case INTEGER -> buffer.getInt();
            case LONG -> buffer.getLong();
            case DOUBLE -> buffer.getDouble();
            case OBJECT_ID -> {
                byte[] bytes = new byte[12];
                buffer.get(bytes);
                yield new ObjectId(bytes);
            }
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            case OTHER -> h2.read(buffer);
            default -> throw new IllegalStateException("Unknown value tag " + tag + " in an index key");
        };
    }
}
