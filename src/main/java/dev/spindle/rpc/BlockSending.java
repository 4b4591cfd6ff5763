package dev.spindle.rpc;

import dev.spindle.rpc.message.FetchChunk;
import dev.spindle.rpc.message.FetchError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** The serving side of block fetches: a block goes out as chunks well under the frame limit. */
public final class BlockSending {
    static final int CHUNK_BYTES = 1 << 20;

    private BlockSending() {
    }

    /** Streams {@code data} (closed here) as the answer to request {@code requestId}; a read error becomes a FetchError. */
    public static void send(RpcConnection connection, long requestId, InputStream data) {
        try (InputStream in = data) {
            byte[] buffer = new byte[CHUNK_BYTES];
            while (true) {
                int n = in.readNBytes(buffer, 0, buffer.length);
                boolean last = n < buffer.length;
                connection.send(FetchChunk.newBuilder().setRequestId(requestId)
                        .setData(ByteBuffer.wrap(buffer, 0, n).slice()).setLast(last).build());
                if (last) {
                    return;
                }
            }
        } catch (IOException e) {
            fail(connection, requestId, "cannot read the block: " + e.getMessage());
        }
    }

    public static void fail(RpcConnection connection, long requestId, String message) {
        connection.send(FetchError.newBuilder().setRequestId(requestId).setMessage(message).build());
    }
}
