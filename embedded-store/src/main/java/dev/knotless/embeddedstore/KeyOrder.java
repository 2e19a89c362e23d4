package dev.knotless.embeddedstore;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.ValueComparator;
import org.h2.mvstore.type.ObjectDataType;

/**
 * The key type of a unique index's H2 map: stored as mongo-java-server stores it (H2's
 * {@link ObjectDataType}), but ordered by comparing the key's values.
 *
 * <p>H2 does not know mongo-java-server's {@link KeyValue}, so its default type orders two keys by
 * Java-serializing both, on every comparison of every lookup: a fifth of the store's time under load
 * (JFR, docs/PERFORMANCE.md). The index only needs a total order consistent with equality of the
 * normalized keys it holds, which MongoDB's value order over the key's values gives.
 */
final class KeyOrder extends ObjectDataType {

    private static final ValueComparator VALUES = ValueComparator.asc();

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
        return super.compare(a, b);
    }
}
