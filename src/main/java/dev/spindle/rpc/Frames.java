package dev.spindle.rpc;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.function.IntFunction;

/**
 * Length-prefixed frames: a 4-byte big-endian length, then that many bytes. A length outside
 * {@code 1..maxBytes} is a protocol violation, detected before anything is allocated or read.
 */
final class Frames {
    private Frames() {
    }

    /**
     * The next frame, or null at a clean end of stream (the peer closed between frames). Its bytes come from
     * {@code buffers}, asked only for a length already checked against {@code maxBytes}.
     */
    static byte[] read(DataInputStream in, int maxBytes, IntFunction<byte[]> buffers) throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        int length = (first << 24) | (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        if (length <= 0 || length > maxBytes) {
            throw new FrameException(length <= 0 ? "frame length " + length + " is not positive"
                    : "frame of " + length + " bytes exceeds spindle.rpc.maxFrameSize=" + maxBytes);
        }
        byte[] payload = buffers.apply(length);
        try {
            in.readFully(payload);
        } catch (EOFException e) {
            throw new FrameException("connection closed inside a frame of " + length + " bytes");
        }
        return payload;
    }

    /** The peer broke the framing; the connection must be closed. */
    static final class FrameException extends IOException {
        private static final long serialVersionUID = 1L;

        FrameException(String message) {
            super(message);
        }
    }
}
