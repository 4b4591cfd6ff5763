package dev.spindle.rpc;

import dev.spindle.rpc.message.FetchError;

/** Block fetch framing: a block goes out as chunks well under the frame limit ({@link FetchServer}). */
public final class BlockSending {
    static final int CHUNK_BYTES = 1 << 20;
    /** Room in a frame for a chunk's message around its data: chunks are smaller when frames are below 1 MiB. */
    static final int CHUNK_OVERHEAD_BYTES = 1024;

    private BlockSending() {
    }

    /** Answers request {@code requestId} with an error instead of the block. */
    public static void fail(RpcConnection connection, long requestId, String message) {
        connection.send(FetchError.newBuilder().setRequestId(requestId).setMessage(message).build());
    }
}
