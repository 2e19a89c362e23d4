package dev.knotless.embeddedstore;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * A stored document as BSON bytes, with mongo-java-server's own wire codec: every document in the
 * store came from that codec, so the round trip keeps each value's type.
 */
final class BsonBytes {

    // One growing buffer per store worker thread: a document is encoded into it, then copied out once.
    private static final ThreadLocal<ByteBuf> BUFFER = ThreadLocal.withInitial(() -> Unpooled.buffer(4096));

    private BsonBytes() {
    }

    static byte[] encode(Document document) {
        ByteBuf buffer = BUFFER.get().clear();
        BsonEncoder.encodeDocument(document, buffer);
        byte[] bytes = ByteBufUtil.getBytes(buffer);
        if (buffer.capacity() > 1 << 20) {
            BUFFER.remove(); // one huge document must not pin a megabyte per thread for good
        }
        return bytes;
    }

    static Document decode(byte[] bytes) {
        return bytes == null ? null : BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bytes));
    }
}
