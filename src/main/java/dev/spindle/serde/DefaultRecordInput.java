package dev.spindle.serde;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.Pair;
import dev.spindle.common.SpindleException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.StreamCorruptedException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Reads the tagged record format of {@link DefaultRecordSerializer}, from a stream or, as a {@link RecordCursor},
 * from arrays in memory. Not thread-safe.
 */
final class DefaultRecordInput implements RecordInput, RecordCursor {
    /** Initial capacity bound for lists, so that a corrupt size fails on reading, not on allocating. */
    private static final int MAX_INITIAL_LIST_CAPACITY = 1 << 16;

    private final InputBuffer in;
    private final ClassLoader loader;
    private final List<SpecificDatumReader<Object>> specificReaders = new ArrayList<>();
    private final List<GenericDatumReader<Object>> genericReaders = new ArrayList<>();
    /**
     * Where each definition went in the lists above, so that reading a defining record again (a cursor reads out of
     * order) reuses its reader and keeps the ids of later references, which count distinct definitions, right.
     */
    private final Map<String, Integer> specificIds = new HashMap<>();
    private final Map<String, Integer> genericIds = new HashMap<>();
    private BinaryDecoder decoder;
    private long records;
    private boolean closed;

    DefaultRecordInput(InputBuffer in, ClassLoader loader) {
        this.in = requireNonNull(in, "in is null");
        this.loader = requireNonNull(loader, "loader is null");
    }

    @Override
    public Object read() throws IOException {
        if (closed) {
            throw new IOException("record input is closed");
        }
        if (in.atEnd()) {
            return END;
        }
        long start = in.position();
        int tag = in.readByte();
        try {
            Object value = readValue(tag);
            records++;
            return value;
        } catch (EOFException e) {
            EOFException truncated = new EOFException(String.format(
                    "Record stream truncated: it ended inside record #%d (%s, starting at byte %d) after %d bytes "
                            + "(%s). The shuffle, spill or cache file was cut short or is corrupt.",
                    records, Tag.name(tag), start, in.position(), e.getMessage()));
            truncated.initCause(e);
            throw truncated;
        } catch (StreamCorruptedException e) {
            StreamCorruptedException corrupt = new StreamCorruptedException(String.format(
                    "Record stream corrupt in record #%d (%s, starting at byte %d): %s",
                    records, Tag.name(tag), start, e.getMessage()));
            corrupt.initCause(e);
            throw corrupt;
        }
    }

    /** True when the stream holds no more record. For {@code fromBytes}. */
    boolean atEnd() throws IOException {
        return in.atEnd();
    }

    private Object readValue(int tag) throws IOException {
        switch (tag) {
            case Tag.NULL:
                return null;
            case Tag.STRING:
                return in.readString();
            case Tag.INT:
                return in.readVarInt();
            case Tag.LONG:
                return in.readVarLong();
            case Tag.PAIR:
                Object key = readValue(in.readByte());
                return Pair.of(key, readValue(in.readByte()));
            case Tag.DOUBLE:
                return Double.longBitsToDouble(in.readLong());
            case Tag.FLOAT:
                return Float.intBitsToFloat(in.readInt());
            case Tag.SHORT:
                return (short) in.readShort();
            case Tag.BYTE:
                return (byte) in.readByte();
            case Tag.CHAR:
                return (char) in.readShort();
            case Tag.TRUE:
                return Boolean.TRUE;
            case Tag.FALSE:
                return Boolean.FALSE;
            case Tag.BYTES:
                return readBytes();
            case Tag.LIST:
                return readList();
            case Tag.SPECIFIC_DEFINE:
                return specificReaders.get(defineSpecific(in.readString())).read(null, decoder());
            case Tag.SPECIFIC_REF:
                return reader(specificReaders, "specific").read(null, decoder());
            case Tag.GENERIC_DEFINE:
                return genericReaders.get(defineGeneric(in.readString())).read(null, decoder());
            case Tag.GENERIC_REF:
                return reader(genericReaders, "generic").read(null, decoder());
            case Tag.JAVA:
                return readJava(readBytes());
            default:
                throw new StreamCorruptedException(String.format(
                        "unknown type tag %d at byte %d: not a Spindle record stream", tag, in.position() - 1));
        }
    }

    private int defineSpecific(String className) {
        Integer id = specificIds.get(className);
        if (id == null) {
            id = specificReaders.size();
            specificReaders.add(newSpecificReader(className));
            specificIds.put(className, id);
        }
        return id;
    }

    private int defineGeneric(String schemaJson) {
        Integer id = genericIds.get(schemaJson);
        if (id == null) {
            id = genericReaders.size();
            genericReaders.add(new StringGenericDatumReader(new Schema.Parser().parse(schemaJson)));
            genericIds.put(schemaJson, id);
        }
        return id;
    }

    @Override
    public void reset(byte[] bytes, int offset, int limit) {
        in.reset(bytes, offset, limit);
    }

    @Override
    public int offset() {
        return in.offset();
    }

    @Override
    public void skip() throws IOException {
        skipValue(in.readByte());
    }

    private void skipValue(int tag) throws IOException {
        switch (tag) {
            case Tag.NULL, Tag.TRUE, Tag.FALSE -> {
            }
            case Tag.STRING -> in.skipString();
            case Tag.INT -> in.readUnsignedVarInt();
            case Tag.LONG -> in.readVarLong();
            case Tag.DOUBLE -> in.skip(8);
            case Tag.FLOAT -> in.skip(4);
            case Tag.SHORT, Tag.CHAR -> in.skip(2);
            case Tag.BYTE -> in.skip(1);
            case Tag.BYTES, Tag.JAVA -> in.skip(in.readLength());
            case Tag.PAIR -> {
                skipValue(in.readByte());
                skipValue(in.readByte());
            }
            case Tag.LIST -> {
                for (int i = in.readLength(); i > 0; i--) {
                    skipValue(in.readByte());
                }
            }
            // Avro data has no length in front: decoding it is the only way past it. Unknown tags fail there too.
            default -> readValue(tag);
        }
    }

    private byte[] readBytes() throws IOException {
        byte[] bytes = new byte[in.readLength()];
        in.readFully(bytes, 0, bytes.length);
        return bytes;
    }

    private List<Object> readList() throws IOException {
        int size = in.readLength();
        List<Object> list = new ArrayList<>(Math.min(size, MAX_INITIAL_LIST_CAPACITY));
        for (int i = 0; i < size; i++) {
            list.add(readValue(in.readByte()));
        }
        return list;
    }

    private <R> R reader(List<R> readers, String kind) throws IOException {
        int id = in.readUnsignedVarInt();
        if (id < 0 || id >= readers.size()) {
            throw new StreamCorruptedException(String.format(
                    "reference to Avro %s schema #%d, but only %d were defined", kind, id, readers.size()));
        }
        return readers.get(id);
    }

    private SpecificDatumReader<Object> newSpecificReader(String className) {
        Class<?> cls;
        try {
            cls = Class.forName(className, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw classNotFound("an Avro specific record", className, e);
        }
        SpecificData data = new SpecificData(loader);
        SpecificData.getForClass(cls).getConversions().forEach(data::addLogicalTypeConversion);
        Schema schema = data.getSchema(cls);
        return new SpecificDatumReader<>(schema, schema, data);
    }

    /** A direct (unbuffered) Avro decoder reading from our buffer, made once per stream. */
    private BinaryDecoder decoder() {
        if (decoder == null) {
            InputStream source = new InputStream() {
                @Override
                public int read() throws IOException {
                    return in.atEnd() ? -1 : in.readByte() & 0xFF;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return in.read(b, off, len);
                }
            };
            decoder = DecoderFactory.get().directBinaryDecoder(source, null);
        }
        return decoder;
    }

    private Object readJava(byte[] bytes) throws IOException {
        try (ObjectInputStream objects = new LoaderObjectInputStream(new ByteArrayInputStream(bytes), loader)) {
            return objects.readObject();
        } catch (ClassNotFoundException e) {
            throw classNotFound("a Java-serialized record", e.getMessage(), e);
        } catch (InvalidClassException e) {
            throw new SpindleException(ErrorCode.USER_CODE_FAILED, String.format(
                    "Cannot read a Java-serialized record of class %s: %s. The class that wrote it differs from "
                            + "the one loaded by %s; make sure every executor runs the same application jar.",
                    e.classname, e.getMessage(), loader), e);
        }
    }

    private SpindleException classNotFound(String what, String className, Throwable cause) {
        return new SpindleException(ErrorCode.USER_CODE_FAILED, String.format(
                "Cannot read %s of class %s: the class is not found by class loader %s. Ship the jar that "
                        + "defines it with the application.", what, className, loader), cause);
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            in.close();
        }
    }

    /**
     * Reads Avro strings as {@link String}, not {@link org.apache.avro.util.Utf8}, so that a record built
     * with strings looks the same after a shuffle. Avro's fast reader bypasses {@link #readString}, so it is
     * off for these readers.
     */
    private static final class StringGenericDatumReader extends GenericDatumReader<Object> {
        StringGenericDatumReader(Schema schema) {
            super(schema, schema, new GenericData().setFastReaderEnabled(false));
        }

        @Override
        protected Object readString(Object old, Decoder in) throws IOException {
            return in.readString();
        }
    }
}
