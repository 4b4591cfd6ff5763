package dev.spindle.io;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;

/**
 * A compressed input file whose codec cannot decode it: corrupt, truncated, or not in the format its name says.
 * Such a failure is told apart from the file system's own (a lost block, a network error) by where it was thrown:
 * in the decompressor, not in the stream it reads from. The error names the file and what to do, and carries no
 * stack trace to the user: the message says it all, and retrying cannot help.
 */
final class CorruptCompressedInput extends IOException {
    private static final long serialVersionUID = 1L;
    /** Where decompressors throw: Hadoop's codecs (pure Java and native) and the JDK's zlib. */
    private static final List<String> DECOMPRESSOR_PACKAGES = List.of("org.apache.hadoop.io.compress.",
            "java.util.zip.");

    private CorruptCompressedInput(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * What to throw for {@code failure}, met while reading {@code path} with {@code codec} (null when not
     * compressed) after {@code linesRead} lines: a {@link CorruptCompressedInput} when the decompressor threw it,
     * else {@code failure} itself (thrown here when unchecked).
     */
    static IOException ifDecompressorFailed(Throwable failure, Path path, CompressionCodec codec, long linesRead) {
        if (codec != null && thrownByDecompressor(failure)) {
            return new CorruptCompressedInput("corrupt input " + path + ": not valid " + codec.getDefaultExtension()
                    + " data (" + codec.getClass().getSimpleName() + " could not decompress it after " + linesRead
                    + (linesRead == 1 ? " line: " : " lines: ") + failure + "); the file is corrupt or truncated: "
                    + "replace it, or leave it out of the input", failure);
        }
        if (failure instanceof IOException io) {
            return io;
        }
        if (failure instanceof RuntimeException unchecked) {
            throw unchecked;
        }
        throw (Error) failure;
    }

    static boolean thrownByDecompressor(Throwable failure) {
        StackTraceElement[] stack = failure.getStackTrace();
        if (stack.length == 0) {
            return false;
        }
        String thrower = stack[0].getClassName();
        return DECOMPRESSOR_PACKAGES.stream().anyMatch(thrower::startsWith);
    }

    /** The task's error: invalid input, named by this exception's message. */
    SpindleException toSpindleException() {
        return new SpindleException(ErrorCode.INVALID_INPUT, getMessage(), getCause());
    }
}
