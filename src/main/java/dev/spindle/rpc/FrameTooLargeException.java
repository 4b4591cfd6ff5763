package dev.spindle.rpc;

/**
 * A message that was not sent because its frame is larger than {@code spindle.rpc.maxFrameSize}; the connection stays
 * open, and the sender may send something smaller in its place.
 */
public final class FrameTooLargeException extends RpcException {
    private static final long serialVersionUID = 1L;

    private final int frameBytes;
    private final int maxFrameBytes;

    FrameTooLargeException(String messageType, int frameBytes, int maxFrameBytes) {
        super(messageType + " of " + frameBytes + " bytes exceeds spindle.rpc.maxFrameSize=" + maxFrameBytes);
        this.frameBytes = frameBytes;
        this.maxFrameBytes = maxFrameBytes;
    }

    /** The encoded size of the message that was not sent. */
    public int frameBytes() {
        return frameBytes;
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }
}
