package dev.spindle.shuffle;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.IndexedIterator;
import dev.spindle.common.Pair;
import dev.spindle.common.SpindleException;
import dev.spindle.plan.NaturalOrder;
import dev.spindle.plan.TaskContext;
import dev.spindle.serde.RecordCursor;
import dev.spindle.serde.RecordInput;
import dev.spindle.serde.RecordOutput;
import dev.spindle.serde.RecordSerializer;
import dev.spindle.storage.LocalDirWriteFailure;
import dev.spindle.storage.MemoryManager;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * The reduce side of a shuffle that sorts without combining ({@code sortByKey}): keeps the records in the serialized
 * form the map side wrote, in large byte pages, with an index of one 64-bit key prefix and one address per record;
 * sorts the index (a radix sort of the prefixes, then comparisons only among records whose prefixes tie); decodes
 * each record when it is handed out. Sorted runs spill to disk when execution memory runs out, and are merged.
 *
 * <p>Why not objects: a reduce task holds its whole partition until the last record is in, so as objects (a pair,
 * a key and a value, each string with its array) every record outlives young collections and is copied into the
 * old generation. In the sort benchmark that was a quarter of the reduce stage in GC pauses. Pages hold no
 * references, so the collector never scans them, and a full page is allocated in the old generation directly
 * (a G1 humongous object of two 2 MiB regions) and never copied.
 *
 * <p>Prefixes, under the natural order: the first four UTF-16 units of a {@link String} key, an {@link Integer} or
 * {@link Long} key with its sign bit flipped; each orders as the keys do, so only records whose prefixes tie are
 * compared, integers never. Under another ordering, or with null keys or keys of other or mixed classes, every
 * prefix is 0 and the records are sorted by comparing their keys.
 *
 * <p>One task, one thread. {@link #close()} must be called.
 */
final class SerializedSorter implements AutoCloseable {
    /** Just under 4 MiB: the array header too fits two 2 MiB G1 regions (the region size of a 4 GiB heap). */
    static final int PAGE_BYTES = (4 << 20) - 64;
    static final int MIN_PAGE_BYTES = 64 << 10;
    private static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 16;
    /** Index bytes per record: prefix, address, stream. */
    private static final int INDEX_BYTES = 8 + 8 + 4;
    private static final int INITIAL_CAPACITY = 1024;

    private enum KeyKind { NONE_YET, STRING, INT, LONG, OTHER }

    /** A sorted run on disk. */
    private record Spill(Path file, long records) {
    }

    private final Comparator<Object> ordering;
    private final boolean natural;
    private final TaskContext context;
    private final MemoryManager memory;
    private final RecordSerializer serializer;
    private final ShuffleFiles files;
    private final ClassLoader loader;
    private final long taskId;

    /** One cursor per stream added: a stream may define something once (an Avro schema) and refer to it later. */
    private final List<RecordCursor> cursors = new ArrayList<>();
    private final List<byte[]> pages = new ArrayList<>();
    /** The page being filled, the last of {@link #pages}, and how many of its bytes hold data. */
    private byte[] page;
    private int used;
    private long expectedBytesLeft;

    private long[] prefixes = new long[INITIAL_CAPACITY];
    /** Page index in the high 32 bits, offset in the page in the low 32 bits. */
    private long[] addresses = new long[INITIAL_CAPACITY];
    private int[] streamOf = new int[INITIAL_CAPACITY];
    private int count;
    /** Records indexed since the start, spilled ones included. */
    private long indexed;
    private KeyKind kind = KeyKind.NONE_YET;

    /** Bytes of pages and index arrays allocated, and execution memory held for them. */
    private long reserved;
    private long granted;
    private final List<Spill> spills = new ArrayList<>();
    private final List<RecordInput> spillInputs = new ArrayList<>();
    private boolean closed;

    /** {@code expectedBytes}: the bytes of all streams to come, to size the pages of a small partition. */
    @SuppressWarnings("unchecked")
    SerializedSorter(Comparator<?> ordering, long expectedBytes, TaskContext context, MemoryManager memory,
            RecordSerializer serializer, ShuffleFiles files) {
        this.ordering = (Comparator<Object>) requireNonNull(ordering, "ordering is null");
        this.natural = ordering instanceof NaturalOrder;
        this.expectedBytesLeft = expectedBytes;
        this.context = requireNonNull(context, "context is null");
        this.memory = requireNonNull(memory, "memory is null");
        this.serializer = requireNonNull(serializer, "serializer is null");
        this.files = requireNonNull(files, "files is null");
        this.loader = Thread.currentThread().getContextClassLoader();
        this.taskId = context.attemptId().taskId();
        reserve(INDEX_BYTES * INITIAL_CAPACITY);
        reserved += INDEX_BYTES * INITIAL_CAPACITY;
    }

    /**
     * Reads a stream of alternating key and value records (a map output's segment) to its end and returns how many
     * key-value records it held. An {@link IOException} is a failure of the stream: it could not be read, or it
     * ended inside a record. The caller closes the stream.
     */
    long add(InputStream in) throws IOException {
        SpindleException.checkState(!closed, "sorter is closed");
        int stream = cursors.size();
        RecordCursor cursor = serializer.newCursor(loader);
        cursors.add(cursor);
        if (page == null) {
            page = newPage(0);
            pages.add(page);
        }
        long before = indexed;
        int parsed = used;
        while (true) {
            if (used == page.length) {
                parsed = carry(parsed);
            }
            int n = in.read(page, used, page.length - used);
            boolean ended = n < 0;
            if (!ended) {
                used += n;
                expectedBytesLeft -= n;
            }
            if (ended || used == page.length) {
                parsed = parse(cursor, stream, parsed, ended);
                if (ended) {
                    return indexed - before;
                }
            }
        }
    }

    /**
     * Indexes the complete records in {@code page[from, used)}; returns where the first incomplete one starts, which
     * only the end of the stream makes an error.
     */
    private int parse(RecordCursor cursor, int stream, int from, boolean streamEnded) throws IOException {
        int start = from;
        cursor.reset(page, start, used);
        try {
            while (start < used) {
                Object key = cursor.read();
                cursor.skip();
                int next = cursor.offset();
                if (index(key, start, stream)) {
                    cursor.reset(page, next, used); // the spill read other records through this cursor
                }
                start = next;
            }
        } catch (EOFException e) {
            if (streamEnded) {
                throw e;
            }
        }
        return start;
    }

    /** Adds a record to the index; true when that spilled first. */
    private boolean index(Object key, int offset, int stream) {
        boolean spilled = false;
        if (count == prefixes.length) {
            spilled = growIndex();
        }
        long prefix = prefix(key);
        prefixes[count] = prefix;
        addresses[count] = ((long) (pages.size() - 1) << 32) | offset;
        streamOf[count] = stream;
        count++;
        indexed++;
        return spilled;
    }

    private long prefix(Object key) {
        KeyKind keyKind = !natural ? KeyKind.OTHER
                : key instanceof String ? KeyKind.STRING
                : key instanceof Integer ? KeyKind.INT
                : key instanceof Long ? KeyKind.LONG
                : KeyKind.OTHER;
        if (keyKind != kind) {
            if (kind == KeyKind.NONE_YET) {
                kind = keyKind;
            } else if (kind != KeyKind.OTHER) {
                kind = KeyKind.OTHER;
                Arrays.fill(prefixes, 0, count, 0);
            }
        }
        return switch (kind) {
            case STRING -> KeySorter.prefix((String) key);
            case INT -> (long) (Integer) key - Integer.MIN_VALUE;
            case LONG -> (Long) key ^ Long.MIN_VALUE;
            default -> 0;
        };
    }

    /** Doubles the index, or spills when memory does not cover that; true when it spilled. */
    private boolean growIndex() {
        int capacity = prefixes.length;
        SpindleException.checkState(capacity < (1 << 30), "more than %d records in memory", capacity);
        long bytes = (long) capacity * INDEX_BYTES;
        if (reserve(bytes) < bytes && count > 0) {
            spill();
            return true;
        }
        reserved += bytes;
        prefixes = Arrays.copyOf(prefixes, 2 * capacity);
        addresses = Arrays.copyOf(addresses, 2 * capacity);
        streamOf = Arrays.copyOf(streamOf, 2 * capacity);
        return false;
    }

    /** Starts a new page and moves the bytes {@code page[from, used)} of a record not yet complete to its start. */
    private int carry(int from) {
        int tail = used - from;
        byte[] next = newPage(tail);
        System.arraycopy(page, from, next, 0, tail);
        if (count == 0) {
            // Nothing indexed points into the old pages (a spill just took their records): drop them.
            for (byte[] old : pages) {
                reserved -= old.length;
            }
            pages.clear();
        }
        page = next;
        pages.add(next);
        used = tail;
        return 0;
    }

    /**
     * A page with room for {@code tail} bytes and more: a full page when memory allows (after a spill if need be),
     * else a smaller one, so that a small memory bound keeps holding; as small as the bytes still expected.
     */
    private byte[] newPage(int tail) {
        long minimum = Math.min(MAX_ARRAY_BYTES, Math.max(MIN_PAGE_BYTES, 2L * tail));
        long wanted = Math.max(minimum, Math.min(PAGE_BYTES, expectedBytesLeft + tail + 64));
        long free = reserve(wanted);
        if (free < wanted && count > 0) {
            spill();
            free = reserve(wanted);
        }
        int size = (int) Math.max(minimum, Math.min(wanted, free));
        reserved += size;
        return new byte[size];
    }

    /**
     * Asks for execution memory so that {@code bytes} more fit, and for any shortfall of what is already allocated
     * (a page allocated without a full grant); returns the bytes that fit, at least 0.
     */
    private long reserve(long bytes) {
        long free = granted - reserved;
        if (free < bytes) {
            granted += memory.acquireExecution(taskId, bytes - free);
            free = granted - reserved;
        }
        return Math.max(0, free);
    }

    /** Writes the records in memory, sorted, as a run on disk; keeps only the page being filled. */
    private void spill() {
        Path file = files.tempFile("sort-spill");
        long records = count;
        try (RecordOutput out = serializer.newOutput(Files.newOutputStream(file))) {
            Iterator<Pair<Object, Object>> sorted = sortedInMemory();
            while (sorted.hasNext()) {
                Pair<Object, Object> record = sorted.next();
                out.write(record.key());
                out.write(record.value());
            }
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw LocalDirWriteFailure.of("shuffle spill", file, (IOException) e);
        }
        spills.add(new Spill(file, records));
        try {
            context.metrics().addSpilledBytes(Files.size(file));
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot read the size of shuffle spill " + file, e);
        }
        count = 0;
        // The page being filled stays: its bytes after the spilled records belong to the stream being read.
        for (byte[] old : pages) {
            if (old != page) {
                reserved -= old.length;
            }
        }
        pages.clear();
        if (page != null) {
            pages.add(page);
        }
        if (granted > reserved) {
            memory.releaseExecution(taskId, granted - reserved);
            granted = reserved;
        }
    }

    /**
     * All records, sorted: those in memory merged with the spilled runs. Call once, after the last {@link #add}; the
     * records stay valid until {@link #close()}.
     */
    Iterator<Pair<Object, Object>> sorted() {
        SpindleException.checkState(!closed, "sorter is closed");
        Iterator<Pair<Object, Object>> inMemory = sortedInMemory();
        if (spills.isEmpty()) {
            return inMemory;
        }
        List<Iterator<Pair<Object, Object>>> sources = new ArrayList<>();
        for (Spill spill : spills) {
            RecordInput input;
            try {
                input = serializer.newInput(Files.newInputStream(spill.file()), loader);
            } catch (IOException e) {
                throw new SpindleException(ErrorCode.IO_FAILURE, "cannot read shuffle spill " + spill.file(), e);
            }
            spillInputs.add(input);
            sources.add(new RunIterator(input, spill.records(), spill.file()));
        }
        sources.add(inMemory);
        return new MergeIterator(sources, (a, b) -> ordering.compare(a.key(), b.key()));
    }

    private Iterator<Pair<Object, Object>> sortedInMemory() {
        int n = count;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (kind == KeyKind.STRING || kind == KeyKind.INT || kind == KeyKind.LONG) {
            KeySorter.radixSort(prefixes, order, n);
        }
        if (kind != KeyKind.INT && kind != KeyKind.LONG) {
            KeySorter.sortTies(prefixes, order, n, this::decodeKey, ordering);
        }
        return IndexedIterator.over(0, n, i -> decode(order[i]));
    }

    private Pair<Object, Object> decode(int record) {
        RecordCursor cursor = cursorAt(record);
        try {
            return Pair.of(cursor.read(), cursor.read());
        } catch (IOException e) {
            throw undecodable(record, e);
        }
    }

    private Object decodeKey(int record) {
        try {
            return cursorAt(record).read();
        } catch (IOException e) {
            throw undecodable(record, e);
        }
    }

    private RecordCursor cursorAt(int record) {
        long address = addresses[record];
        byte[] bytes = pages.get((int) (address >>> 32));
        RecordCursor cursor = cursors.get(streamOf[record]);
        cursor.reset(bytes, (int) address, bytes.length);
        return cursor;
    }

    private SpindleException undecodable(int record, IOException e) {
        long address = addresses[record];
        return new SpindleException(ErrorCode.INTERNAL, String.format("cannot decode a shuffle record that was "
                + "read before, at offset %d of page %d: %s", (int) address, address >>> 32, e), e);
    }

    /** Deletes the spilled runs and releases memory; safe to call more than once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        SpindleException failure = null;
        for (RecordInput input : spillInputs) {
            try {
                input.close();
            } catch (IOException e) {
                failure = addFailure(failure, "cannot close a shuffle spill", e);
            }
        }
        for (Spill spill : spills) {
            try {
                Files.deleteIfExists(spill.file());
            } catch (IOException e) {
                failure = addFailure(failure, "cannot delete shuffle spill " + spill.file(), e);
            }
        }
        spills.clear();
        pages.clear();
        page = null;
        cursors.clear();
        memory.releaseExecution(taskId, granted);
        granted = 0;
        reserved = 0;
        if (failure != null) {
            throw failure;
        }
    }

    private static SpindleException addFailure(SpindleException failure, String message, IOException e) {
        if (failure == null) {
            return new SpindleException(ErrorCode.IO_FAILURE, message + ": " + e, e);
        }
        failure.addSuppressed(e);
        return failure;
    }
}
