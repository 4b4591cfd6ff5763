package dev.spindle.recovery;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import dev.spindle.plan.Accumulator;
import dev.spindle.plan.BroadcastReference;
import dev.spindle.plan.Lineages;
import dev.spindle.plan.Node;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Fingerprints of what an action computes, compared between ApplicationMaster attempts: equal fingerprints mean
 * the same lineage over the same input. A fingerprint covers the lineage as it is serialized for tasks (the
 * operators, the closures' bytes, the partitioners, the data that travels with the lineage) and each file source's
 * paths, lengths and modification times. It leaves out what differs between attempts without changing the
 * result: the configuration (an attempt's local directories) and the current values of accumulators.
 */
public final class Fingerprints {
    private Fingerprints() {
    }

    /**
     * The fingerprint of {@code node}'s lineage and the action's own {@code parts} (its function, its path...);
     * {@code broadcasts} gives the serialized value of each broadcast the closures capture (they capture only its
     * id), so that a changed value changes the fingerprint.
     */
    public static String lineage(LongFunction<byte[]> broadcasts, Node<?> node, Object... parts) {
        MessageDigest digest = sha256();
        try (ObjectOutputStream out = new CanonicalStream(new DigestSink(digest), broadcasts)) {
            out.writeObject(node);
            for (Object part : parts) {
                out.writeObject(part);
            }
        } catch (NotSerializableException e) {
            throw new SpindleException(ErrorCode.USER_CODE_FAILED, "cannot fingerprint the lineage of " + node.info()
                    + " for recovery: " + e.getMessage() + " is not serializable", e);
        } catch (IOException e) {
            throw SpindleException.internal("cannot fingerprint the lineage of %s: %s", node.info(), e);
        }
        for (String input : inputs(node)) {
            digest.update(input.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The fingerprint of an action: its position in the program (the one before it) and what it computes. */
    public static String action(String previous, int sequence, String kind, String lineage) {
        MessageDigest digest = sha256();
        digest.update((previous + "\n" + sequence + "\n" + kind + "\n" + lineage).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Every file source's signature in {@code node}'s lineage, each node once; not below a checkpointed node, which
     * is read from its checkpoint files (named by the lineage fingerprint).
     */
    private static List<String> inputs(Node<?> node) {
        List<String> inputs = new ArrayList<>();
        for (Node<?> current : Lineages.nodes(node, n -> !n.isCheckpointed())) {
            if (!current.isCheckpointed()) {
                for (String file : current.inputSignature()) {
                    inputs.add(current.id() + " " + file);
                }
            }
        }
        return inputs;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw SpindleException.internal("the JVM has no SHA-256: %s", e);
        }
    }

    /** Java serialization with the attempt-dependent objects replaced by stable stand-ins. */
    private static final class CanonicalStream extends ObjectOutputStream {
        private final LongFunction<byte[]> broadcasts;

        CanonicalStream(OutputStream out, LongFunction<byte[]> broadcasts) throws IOException {
            super(out);
            this.broadcasts = broadcasts;
            enableReplaceObject(true);
        }

        @Override
        protected Object replaceObject(Object object) {
            if (object instanceof BroadcastReference broadcast) {
                return "<broadcast " + broadcast.id() + " " + broadcastDigest(broadcast.id()) + ">";
            }
            if (object instanceof SpindleConf) {
                return "<configuration>";
            }
            if (object instanceof Accumulator<?, ?> accumulator) {
                return "<accumulator " + accumulator.id() + " " + accumulator.getClass().getName() + ">";
            }
            return object;
        }

        private String broadcastDigest(long id) {
            try {
                return HexFormat.of().formatHex(sha256().digest(broadcasts.apply(id)));
            } catch (RuntimeException e) {
                return "unavailable"; // destroyed: tasks that read it fail anyway
            }
        }
    }

    private static final class DigestSink extends OutputStream {
        private final MessageDigest digest;

        DigestSink(MessageDigest digest) {
            this.digest = digest;
        }

        @Override
        public void write(int b) {
            digest.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            digest.update(b, off, len);
        }
    }
}
