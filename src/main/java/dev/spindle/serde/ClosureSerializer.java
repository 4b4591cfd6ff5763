package dev.spindle.serde;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Optional;

/**
 * Java serialization of task code: lambdas, lineage nodes, task binaries. When user code cannot be
 * serialized, the error says which operation, which class, where it sits (down to the captured argument of
 * a lambda) and how to fix it. Deserialization resolves classes through a given loader, so that lambdas and
 * classes of a user jar load on executors. Thread-safe and stateless.
 */
public final class ClosureSerializer {
    static final String FIX = "make it implement java.io.Serializable, mark the field transient, "
            + "or create it inside the lambda";

    /**
     * The bytes of {@code closure}.
     *
     * @param what the operation, for messages: {@code "map at WordCount.java:23"}
     * @throws SpindleException {@link ErrorCode#USER_CODE_FAILED} when the closure is not serializable
     */
    public byte[] serialize(Object closure, String what) {
        requireNonNull(what, "what is null");
        return serialize(closure, () -> what);
    }

    /** As {@link #serialize(Object, String)}, {@code what} made only for a failure's message. */
    public byte[] serialize(Object closure, java.util.function.Supplier<String> what) {
        requireNonNull(closure, "closure is null");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(closure);
        } catch (NotSerializableException e) {
            throw new SpindleException(ErrorCode.USER_CODE_FAILED, notSerializableMessage(closure, what.get(), e), e);
        } catch (IOException | RuntimeException e) {
            throw new SpindleException(ErrorCode.USER_CODE_FAILED, String.format("Task code of %s (%s) cannot be "
                    + "serialized: %s", what.get(), SerializationPath.describe(closure), e), e);
        }
        return bytes.toByteArray();
    }

    /**
     * The bytes of a small value-like object sent on its own, such as a partition: Java records in
     * {@link RecordCodec}'s compact form, anything else (or a record whose components the record serializer cannot
     * write) as {@link #serialize} does. {@link #deserialize} reads both.
     */
    public byte[] serializeValue(Object value, String what) {
        requireNonNull(what, "what is null");
        return serializeValue(value, () -> what);
    }

    /** As {@link #serializeValue(Object, String)}, {@code what} made only for a failure's message. */
    public byte[] serializeValue(Object value, java.util.function.Supplier<String> what) {
        if (RecordCodec.supports(value)) {
            try {
                return RecordCodec.encode(value);
            } catch (IOException | RuntimeException e) {
                // Java serialization gives the precise message, or succeeds where the record serializer cannot.
            }
        }
        return serialize(value, what);
    }

    private static String notSerializableMessage(Object closure, String what, NotSerializableException e) {
        String culpritClass = e.getMessage();
        StringBuilder message = new StringBuilder("Task code of ").append(what).append(" is not serializable: ");
        Optional<SerializationPath.Culprit> culprit = SerializationPath.find(closure, culpritClass);
        boolean lambda = culpritClass != null && culpritClass.contains("$$Lambda");
        if (lambda) {
            message.append("a lambda in ").append(culpritClass, 0, culpritClass.indexOf("$$Lambda"))
                    .append(" is not java.io.Serializable");
        } else {
            message.append(culpritClass).append(" is not java.io.Serializable");
        }
        culprit.ifPresent(c -> {
            message.append(". Path: ").append(c.path());
            if (c.lambdaCaptures() != null) {
                message.append(". The ").append(c.lambdaCaptures());
            }
        });
        if (lambda) {
            message.append(". Fix: declare the lambda with a serializable interface (dev.spindle.function.*), "
                    + "or ").append(FIX).append('.');
        } else {
            message.append(". Fix: ").append(FIX).append('.');
        }
        return message.toString();
    }

    /**
     * The closure of {@link #serialize}, with classes resolved through {@code loader}.
     *
     * @throws SpindleException {@link ErrorCode#USER_CODE_FAILED} when a class is missing or incompatible,
     *     or when user code fails while the closure is read; {@link ErrorCode#INTERNAL} when the bytes are not
     *     a serialized closure
     */
    public Object deserialize(byte[] bytes, ClassLoader loader) {
        requireNonNull(bytes, "bytes is null");
        requireNonNull(loader, "loader is null");
        if (bytes.length > 0 && bytes[0] == RecordCodec.MARKER) {
            try {
                return RecordCodec.decode(bytes, loader);
            } catch (ClassNotFoundException e) {
                throw new SpindleException(ErrorCode.USER_CODE_FAILED, String.format(
                        "Cannot deserialize task data: class %s is not found by class loader %s. Ship the jar that "
                                + "defines it with the application.", e.getMessage(), loader), e);
            } catch (IOException | RuntimeException e) {
                throw new SpindleException(ErrorCode.INTERNAL, String.format(
                        "Cannot deserialize task data (%d bytes): %s", bytes.length, e), e);
            }
        }
        try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(bytes), loader)) {
            return in.readObject();
        } catch (ClassNotFoundException e) {
            throw new SpindleException(ErrorCode.USER_CODE_FAILED, String.format(
                    "Cannot deserialize task code: class %s is not found by class loader %s. Ship the jar that "
                            + "defines it with the application.", e.getMessage(), loader), e);
        } catch (InvalidClassException e) {
            throw new SpindleException(ErrorCode.USER_CODE_FAILED, String.format(
                    "Cannot deserialize task code: class %s is incompatible with the one that serialized it (%s). "
                            + "Make sure the driver and executors run the same application jar.",
                    e.classname, e.getMessage()), e);
        } catch (RuntimeException | LinkageError e) {
            throw new SpindleException(ErrorCode.USER_CODE_FAILED, String.format(
                    "Cannot deserialize task code with class loader %s: %s", loader, e), e);
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.INTERNAL, String.format(
                    "Cannot deserialize task code (%d bytes) with class loader %s: %s", bytes.length, loader, e), e);
        }
    }
}
