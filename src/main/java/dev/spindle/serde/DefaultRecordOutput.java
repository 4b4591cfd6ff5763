package dev.spindle.serde;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.Pair;
import dev.spindle.common.SpindleException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Writes the tagged record format of {@link DefaultRecordSerializer}. Not thread-safe. After a failed
 * {@link #write} (an unserializable value inside a pair or list) the stream may hold part of that record:
 * discard it.
 */
final class DefaultRecordOutput implements RecordOutput {
    /** A Java-serialization scratch buffer above this size is dropped after use rather than kept. */
    private static final int MAX_KEPT_SCRATCH = 1 << 20;

    private final OutputBuffer out;
    private final Map<Class<?>, SpecificEntry> specificByClass = new IdentityHashMap<>();
    private final Map<Schema, GenericEntry> genericBySchema = new HashMap<>();
    /**
     * Ids by class name and by schema JSON: a definition is written once per name (per JSON), even for two classes
     * of one name or two schema objects of one JSON, because readers find definitions by name (a cursor reads records
     * out of order and meets a definition again) and load one class per name anyway.
     */
    private final Map<String, Integer> specificIds = new HashMap<>();
    private final Map<String, Integer> genericIds = new HashMap<>();
    private BinaryEncoder encoder;
    private ScratchStream scratch;
    private boolean closed;

    private record SpecificEntry(int id, SpecificDatumWriter<Object> writer) {
    }

    private record GenericEntry(int id, GenericDatumWriter<Object> writer) {
    }

    DefaultRecordOutput(OutputStream out, int bufferSize) {
        this.out = new OutputBuffer(requireNonNull(out, "out is null"), bufferSize);
    }

    @Override
    public void write(Object record) throws IOException {
        if (closed) {
            throw new IOException("record output is closed");
        }
        writeValue(record);
    }

    private void writeValue(Object value) throws IOException {
        if (value == null) {
            out.writeByte(Tag.NULL);
            return;
        }
        Class<?> cls = value.getClass();
        if (cls == String.class) {
            out.writeByte(Tag.STRING);
            out.writeString((String) value);
        } else if (cls == Integer.class) {
            out.writeByte(Tag.INT);
            out.writeVarInt((Integer) value);
        } else if (cls == Long.class) {
            out.writeByte(Tag.LONG);
            out.writeVarLong((Long) value);
        } else if (cls == Pair.class) {
            Pair<?, ?> pair = (Pair<?, ?>) value;
            out.writeByte(Tag.PAIR);
            writeValue(pair.key());
            writeValue(pair.value());
        } else if (cls == Double.class) {
            out.writeByte(Tag.DOUBLE);
            out.writeLong(Double.doubleToRawLongBits((Double) value));
        } else if (cls == byte[].class) {
            byte[] bytes = (byte[]) value;
            out.writeByte(Tag.BYTES);
            out.writeUnsignedVarInt(bytes.length);
            out.writeBytes(bytes, 0, bytes.length);
        } else if (cls == Boolean.class) {
            out.writeByte((Boolean) value ? Tag.TRUE : Tag.FALSE);
        } else if (cls == Float.class) {
            out.writeByte(Tag.FLOAT);
            out.writeInt(Float.floatToRawIntBits((Float) value));
        } else if (cls == Short.class) {
            out.writeByte(Tag.SHORT);
            out.writeShort((Short) value);
        } else if (cls == Byte.class) {
            out.writeByte(Tag.BYTE);
            out.writeByte((Byte) value);
        } else if (cls == Character.class) {
            out.writeByte(Tag.CHAR);
            out.writeShort((Character) value);
        } else {
            writeOther(value);
        }
    }

    private void writeOther(Object value) throws IOException {
        if (value instanceof List<?> list) {
            writeList(list);
        } else if (value instanceof SpecificRecord record) {
            writeSpecific(record);
        } else if (value instanceof GenericRecord record) {
            writeGeneric(record);
        } else {
            writeJava(value);
        }
    }

    private void writeList(List<?> list) throws IOException {
        int size = list.size();
        out.writeByte(Tag.LIST);
        out.writeUnsignedVarInt(size);
        int written = 0;
        if (list instanceof RandomAccess) {
            for (; written < size; written++) {
                writeValue(list.get(written));
            }
        } else {
            for (Object element : list) {
                if (written++ == size) {
                    break;
                }
                writeValue(element);
            }
        }
        if (written != size) {
            throw SpindleException.internal("list of class %s changed size while being serialized: %d then %d",
                    list.getClass().getName(), size, written);
        }
    }

    private void writeSpecific(SpecificRecord record) throws IOException {
        Class<?> cls = record.getClass();
        SpecificEntry entry = specificByClass.get(cls);
        if (entry == null) {
            Integer id = specificIds.get(cls.getName());
            entry = new SpecificEntry(id == null ? specificIds.size() : id, newSpecificWriter(cls));
            specificByClass.put(cls, entry);
            if (id == null) {
                specificIds.put(cls.getName(), entry.id());
                out.writeByte(Tag.SPECIFIC_DEFINE);
                out.writeString(cls.getName());
            } else {
                out.writeByte(Tag.SPECIFIC_REF);
                out.writeUnsignedVarInt(entry.id());
            }
        } else {
            out.writeByte(Tag.SPECIFIC_REF);
            out.writeUnsignedVarInt(entry.id());
        }
        entry.writer().write(record, encoder());
    }

    @SuppressWarnings("unchecked")
    private static SpecificDatumWriter<Object> newSpecificWriter(Class<?> cls) {
        return new SpecificDatumWriter<>((Class<Object>) cls);
    }

    private void writeGeneric(GenericRecord record) throws IOException {
        Schema schema = record.getSchema();
        GenericEntry entry = genericBySchema.get(schema);
        if (entry == null) {
            String json = schema.toString();
            Integer id = genericIds.get(json);
            entry = new GenericEntry(id == null ? genericIds.size() : id, new GenericDatumWriter<>(schema));
            genericBySchema.put(schema, entry);
            if (id == null) {
                genericIds.put(json, entry.id());
                out.writeByte(Tag.GENERIC_DEFINE);
                out.writeString(json);
            } else {
                out.writeByte(Tag.GENERIC_REF);
                out.writeUnsignedVarInt(entry.id());
            }
        } else {
            out.writeByte(Tag.GENERIC_REF);
            out.writeUnsignedVarInt(entry.id());
        }
        entry.writer().write(record, encoder());
    }

    /** A direct (unbuffered) Avro encoder writing into our buffer, made once per stream. */
    private BinaryEncoder encoder() {
        if (encoder == null) {
            OutputStream target = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    out.writeByte(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.writeBytes(b, off, len);
                }
            };
            encoder = EncoderFactory.get().directBinaryEncoder(target, null);
        }
        return encoder;
    }

    private void writeJava(Object value) throws IOException {
        if (!(value instanceof Serializable)) {
            throw notSerializable(value, value.getClass().getName(), null);
        }
        if (scratch == null) {
            scratch = new ScratchStream();
        }
        try {
            try (ObjectOutputStream objects = new ObjectOutputStream(scratch)) {
                objects.writeObject(value);
            }
            out.writeByte(Tag.JAVA);
            out.writeUnsignedVarInt(scratch.size());
            out.writeBytes(scratch.buffer(), 0, scratch.size());
        } catch (NotSerializableException e) {
            throw notSerializable(value, e.getMessage(), e);
        } finally {
            if (scratch.buffer().length > MAX_KEPT_SCRATCH) {
                scratch = null;
            } else {
                scratch.reset();
            }
        }
    }

    private static SpindleException notSerializable(Object record, String culpritClass, Exception cause) {
        String recordClass = record.getClass().getName();
        StringBuilder message = new StringBuilder("Cannot serialize a record of class ").append(recordClass);
        if (culpritClass.equals(record.getClass().getName())) {
            message.append(": it does not implement java.io.Serializable");
        } else {
            message.append(": it holds a ").append(culpritClass).append(", which is not java.io.Serializable");
            SerializationPath.find(record, culpritClass)
                    .ifPresent(culprit -> message.append(" (path: ").append(culprit.path()).append(')'));
        }
        message.append(". Records that are shuffled, cached in serialized form, spilled or collected must be "
                + "serializable: make ").append(recordClass).append(" (and what it holds) implement "
                + "java.io.Serializable, or map it to a serializable type (a String, a Pair, a List, an Avro "
                + "record) before the shuffle, cache or collect.");
        return new SpindleException(ErrorCode.USER_CODE_FAILED, message.toString(), cause);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            out.close();
        }
    }

    /** A reusable byte sink whose array can be read without copying. */
    private static final class ScratchStream extends ByteArrayOutputStream {
        ScratchStream() {
            super(256);
        }

        byte[] buffer() {
            return buf;
        }
    }
}
