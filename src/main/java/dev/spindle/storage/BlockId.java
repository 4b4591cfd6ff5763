package dev.spindle.storage;

/** Names a block in the block store; {@link #name()} is safe as a file name. */
public sealed interface BlockId {
    String name();

    /** Partition {@code partition} of persisted dataset node {@code nodeId}. */
    record RddBlock(int nodeId, int partition) implements BlockId {
        @Override
        public String name() {
            return "rdd_" + nodeId + "_" + partition;
        }
    }

    /** The value of a broadcast variable. */
    record BroadcastBlock(long broadcastId) implements BlockId {
        @Override
        public String name() {
            return "broadcast_" + broadcastId;
        }
    }

    /** A task result too large to travel inside a status message. */
    record ResultBlock(long taskId) implements BlockId {
        @Override
        public String name() {
            return "result_" + taskId;
        }
    }
}
