package dev.spindle.shuffle;

import dev.spindle.common.Pair;
import dev.spindle.common.SpindleException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The combine table for the commonest shape, keys that are strings, integers or longs (or null) and combiners that
 * are all integers, all longs or all doubles (counts, sums, ranks). Each open-addressing slot is four longs, half a
 * cache line: the key's hash and reduce partition, the combiner, and the key itself when it fits in two longs (a
 * Latin-1 string of up to 15 characters, an integer, a long, null). A lookup of such a key reads one cache line, and
 * the table holds no reference, so the collector neither copies nor scans it. Longer and non-Latin-1 strings are
 * encoded into byte pages, their slot holding the encoded length and the address.
 *
 * <p>One cache line per lookup is what matters here: a word count's keys follow a power law, and the tail of rare
 * keys misses the CPU caches on almost every lookup, so a lookup that read a slot and then an entry elsewhere (the
 * table's earlier layout) paid two misses where this one pays one. With the benchmark's 100k distinct words, a
 * lookup of the 100 commonest (always cached) costs well under half of an average one: the misses, not the
 * comparisons, were most of the table's time.
 *
 * <p>{@link #update} answers {@link #UNSUPPORTED} for a key or combiner it cannot hold, changing nothing; the caller
 * then moves the entries to an object table ({@link #entries}) and carries on there, calling the merge function
 * for that record again (merge functions are expected to be pure, as in Spark).
 *
 * <p>Not thread-safe: one task owns it.
 */
final class BytesCombineTable {
    static final int NEW = 1;
    static final int MERGED = 0;
    static final int UNSUPPORTED = -1;

    private static final double LOAD = 0.6;
    /** Longs per slot, and the offset of each field in a slot. */
    private static final int SLOT = 4;
    /** The key's hash in the high half, its reduce partition in the low half. */
    private static final int HEAD = 0;
    private static final int COMBINER = 1;
    /** The key's first long: never 0 in a used slot (its low byte is the key's {@code *_KEY} kind), 0 when free. */
    private static final int KEY0 = 2;
    private static final int KEY1 = 3;
    private static final int MAX_SLOTS = 1 << 27;

    /** Low byte of {@link #KEY0}. An inline Latin-1 string adds its length (0-15) to its kind. */
    private static final int LATIN1_KEY = 0x10;
    private static final int INT_KEY = 0x20;
    private static final int LONG_KEY = 0x30;
    private static final int NULL_KEY = 0x40;
    /** A string in the pages: the encoded length in KEY0's high half, the address in KEY1. */
    private static final int PAGED_KEY = 0x50;
    /** Characters of an inline Latin-1 string: 7 in KEY0 (above the kind byte) and 8 in KEY1. */
    private static final int INLINE_CHARS = 15;

    /** Encodings of a paged key's first byte. */
    private static final byte PAGED_LATIN1 = 1;
    private static final byte PAGED_UTF16 = 2;

    private static final int PAGE_SHIFT = 20;
    private static final int MAX_PAGE = 1 << PAGE_SHIFT;
    private static final int FIRST_PAGE = 4 << 10;
    private static final int MAX_PAGES = 1 << (31 - PAGE_SHIFT);
    private static final int MAX_KEY_BYTES = MAX_PAGE;

    private long[] slots = new long[SLOT * 64];
    private int mask = 63;
    private int size;
    private int growAt = (int) (64 * LOAD);
    /** Pages of the paged keys; none until the first. */
    private final List<byte[]> pages = new ArrayList<>();
    private byte[] page;
    private int used;
    private long pageBytes;
    /** The kind of every combiner held; null until the first. */
    private NumericCombiner kind;
    private byte[] scratch = new byte[64];

    /** Keys held. */
    int size() {
        return size;
    }

    /** Heap bytes of the slots and pages. */
    long bytes() {
        return pageBytes + 8L * slots.length;
    }

    /**
     * Adds {@code value} under {@code key}: {@link #NEW} when the key was new, {@link #MERGED} when it was there,
     * {@link #UNSUPPORTED} (and nothing changed) when the key or the combiner cannot be held here. A new key's reduce
     * partition is {@code partitionOf}'s, asked once per key, not per record. The merger and {@code partitionOf} run
     * before anything changes, so an exception from user code leaves the table as it was.
     */
    int update(ToIntFunction<Object> partitionOf, Object key, Object value, CombineTable.Merger merger) {
        long key0;
        long key1 = 0;
        int hash;
        if (key instanceof String s) {
            int n = s.length();
            if (n > INLINE_CHARS) {
                return updatePaged(partitionOf, s, s.hashCode(), value, merger);
            }
            // The hash (String.hashCode's) and the packed characters in one pass over the string.
            int h = 0;
            int seen = 0;
            long low = LATIN1_KEY + n;
            int i = 0;
            for (int first = Math.min(n, 7); i < first; i++) {
                char c = s.charAt(i);
                h = 31 * h + c;
                seen |= c;
                low |= (long) c << ((i + 1) << 3);
            }
            for (; i < n; i++) {
                char c = s.charAt(i);
                h = 31 * h + c;
                seen |= c;
                key1 |= (long) c << ((i - 7) << 3);
            }
            if (seen > 0xFF) {
                return updatePaged(partitionOf, s, h, value, merger);
            }
            key0 = low;
            hash = h;
        } else if (key instanceof Integer boxed) {
            int v = boxed;
            key0 = INT_KEY | ((long) v << 32);
            hash = Integer.hashCode(v);
        } else if (key instanceof Long boxed) {
            long v = boxed;
            key0 = LONG_KEY;
            key1 = v;
            hash = Long.hashCode(v);
        } else if (key == null) {
            key0 = NULL_KEY;
            hash = 0;
        } else {
            return UNSUPPORTED;
        }
        long[] t = slots;
        int index = spread(hash) & mask;
        while (true) {
            int at = index * SLOT;
            long k = t[at + KEY0];
            if (k == 0) {
                return insert(partitionOf, key, value, merger, index, hash, key0, key1);
            }
            if (k == key0 && t[at + KEY1] == key1) { // an inline key is its two longs: no hash test needed
                return merge(t, at, value, merger);
            }
            index = (index + 1) & mask;
        }
    }

    /** {@link #update} for a string kept in the pages: longer than 15 characters, or past Latin-1. */
    private int updatePaged(ToIntFunction<Object> partitionOf, String key, int hash, Object value,
            CombineTable.Merger merger) {
        int length = encode(key);
        if (length < 0) {
            return UNSUPPORTED;
        }
        long key0 = PAGED_KEY | ((long) length << 32);
        long[] t = slots;
        int index = spread(hash) & mask;
        while (true) {
            int at = index * SLOT;
            long k = t[at + KEY0];
            if (k == 0) {
                return insert(partitionOf, key, value, merger, index, hash, key0, 0);
            }
            if (k == key0 && (int) (t[at + HEAD] >>> 32) == hash && pagedEquals(t[at + KEY1], length)) {
                return merge(t, at, value, merger);
            }
            index = (index + 1) & mask;
        }
    }

    /** Merges {@code value} into the combiner of the slot at {@code at}. */
    private int merge(long[] t, int at, Object value, CombineTable.Merger merger) {
        NumericReduction reduction = merger.reduction();
        if (reduction != null && reduction.appliesTo(kind, value)) {
            t[at + COMBINER] = reduction.apply(t[at + COMBINER], kind.bits(value));
            return MERGED;
        }
        Object merged = merger.merge(kind.box(t[at + COMBINER]), value);
        if (!kind.holds(merged)) {
            return UNSUPPORTED;
        }
        t[at + COMBINER] = kind.bits(merged);
        return MERGED;
    }

    /**
     * Puts a new key into the free slot {@code index}. A paged key's {@code key1} is ignored: the address its
     * encoding (in {@link #scratch}) is appended at takes its place, once the user code here has run.
     */
    private int insert(ToIntFunction<Object> partitionOf, Object key, Object value, CombineTable.Merger merger,
            int index, int hash, long key0, long key1) {
        Object combiner = merger.first(value);
        NumericCombiner combinerKind = NumericCombiner.of(combiner);
        if (combinerKind == null || (kind != null && combinerKind != kind)) {
            return UNSUPPORTED;
        }
        int partition = partitionOf.applyAsInt(key);
        long second = key1;
        if ((key0 & 0xFF) == PAGED_KEY) {
            second = append((int) (key0 >>> 32));
            if (second < 0) {
                return UNSUPPORTED;
            }
        }
        kind = combinerKind;
        int at = index * SLOT;
        slots[at + HEAD] = ((long) hash << 32) | (partition & 0xFFFFFFFFL);
        slots[at + COMBINER] = combinerKind.bits(combiner);
        slots[at + KEY0] = key0;
        slots[at + KEY1] = second;
        if (++size > growAt) {
            grow();
        }
        return NEW;
    }

    /** True when the paged key at {@code address} is the {@code length} bytes in {@link #scratch}. */
    private boolean pagedEquals(long address, int length) {
        byte[] bytes = pages.get((int) address >>> PAGE_SHIFT);
        int offset = (int) address & (MAX_PAGE - 1);
        return Arrays.equals(bytes, offset, offset + length, scratch, 0, length);
    }

    /**
     * Encodes a paged string into {@link #scratch}: a Latin-1 one a byte per character, any other two bytes per
     * UTF-16 unit (equal strings still encode equally); its length, or -1 when it is too long for a page.
     */
    private int encode(String s) {
        int n = s.length();
        if (1 + 2L * n > MAX_KEY_BYTES) {
            return -1;
        }
        if (scratch.length < 1 + 2 * n) {
            scratch = new byte[Math.max(1 + 2 * n, 2 * scratch.length)];
        }
        byte[] b = scratch;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c > 0xFF) {
                return encodeUtf16(s);
            }
            b[1 + i] = (byte) c;
        }
        b[0] = PAGED_LATIN1;
        return 1 + n;
    }

    private int encodeUtf16(String s) {
        byte[] b = scratch;
        b[0] = PAGED_UTF16;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b[1 + 2 * i] = (byte) (c >>> 8);
            b[2 + 2 * i] = (byte) c;
        }
        return 1 + 2 * s.length();
    }

    /** The key of the slot at {@code at}, as it was given. */
    private Object keyAt(int at) {
        long key0 = slots[at + KEY0];
        long key1 = slots[at + KEY1];
        int kindByte = (int) key0 & 0xFF;
        if (kindByte >= LATIN1_KEY && kindByte <= LATIN1_KEY + INLINE_CHARS) {
            int n = kindByte - LATIN1_KEY;
            byte[] chars = new byte[n];
            for (int i = 0; i < n; i++) {
                chars[i] = (byte) (i < 7 ? key0 >>> ((i + 1) << 3) : key1 >>> ((i - 7) << 3));
            }
            return new String(chars, StandardCharsets.ISO_8859_1);
        }
        return switch (kindByte) {
            case INT_KEY -> (int) (key0 >>> 32);
            case LONG_KEY -> key1;
            case NULL_KEY -> null;
            case PAGED_KEY -> pagedKey(key1, (int) (key0 >>> 32));
            default -> throw SpindleException.internal("unknown key kind %d in a combine table", kindByte);
        };
    }

    private String pagedKey(long address, int length) {
        byte[] bytes = pages.get((int) address >>> PAGE_SHIFT);
        int at = ((int) address & (MAX_PAGE - 1)) + 1;
        if (bytes[at - 1] == PAGED_LATIN1) {
            return new String(bytes, at, length - 1, StandardCharsets.ISO_8859_1);
        }
        // By hand, not with a charset: a decoder would replace an unpaired surrogate, which a Java string may hold.
        char[] decoded = new char[(length - 1) / 2];
        for (int i = 0; i < decoded.length; i++) {
            decoded[i] = (char) (((bytes[at + 2 * i] & 0xFF) << 8) | (bytes[at + 2 * i + 1] & 0xFF));
        }
        return new String(decoded);
    }

    /**
     * Appends the {@code length} bytes of {@link #scratch} to the pages; their address (page number, then offset in
     * the page), or -1 when the pages are full (2 GiB: addresses are ints).
     */
    private int append(int length) {
        if (page == null || used + length > page.length) {
            if (page != null && page.length < MAX_PAGE && used + length <= MAX_PAGE) {
                int grown = Math.min(MAX_PAGE, Math.max(2 * page.length, used + length));
                pageBytes += grown - page.length;
                page = Arrays.copyOf(page, grown);
                pages.set(pages.size() - 1, page);
            } else {
                if (pages.size() == MAX_PAGES) {
                    return -1;
                }
                page = new byte[pages.isEmpty() ? Math.max(FIRST_PAGE, length) : MAX_PAGE];
                pageBytes += page.length;
                pages.add(page);
                used = 0;
            }
        }
        int offset = used;
        System.arraycopy(scratch, 0, page, offset, length);
        used += length;
        return ((pages.size() - 1) << PAGE_SHIFT) | offset;
    }

    private void grow() {
        SpindleException.checkState(mask + 1 < MAX_SLOTS, "combine table cannot grow past %d keys", size);
        long[] old = slots;
        int capacity = 2 * (mask + 1);
        long[] grown = new long[SLOT * capacity];
        mask = capacity - 1;
        growAt = (int) (capacity * LOAD);
        for (int at = 0; at < old.length; at += SLOT) {
            if (old[at + KEY0] != 0) {
                int index = spread((int) (old[at + HEAD] >>> 32)) & mask;
                while (grown[index * SLOT + KEY0] != 0) {
                    index = (index + 1) & mask;
                }
                System.arraycopy(old, at, grown, index * SLOT, SLOT);
            }
        }
        slots = grown;
    }

    private static int spread(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** Every entry as partition, key, combiner and key hash, in no particular order: to move them elsewhere. */
    void entries(EntryConsumer consumer) {
        for (int at = 0; at < slots.length; at += SLOT) {
            if (slots[at + KEY0] != 0) {
                long head = slots[at + HEAD];
                consumer.accept((int) head, keyAt(at), kind.box(slots[at + COMBINER]), (int) (head >>> 32));
            }
        }
    }

    interface EntryConsumer {
        void accept(int partition, Object key, Object combiner, int hash);
    }

    /** Entries grouped by partition, each group in ascending key-hash order, like {@link CombineTable#grouped}. */
    CombineTable.Grouped grouped(int numPartitions) {
        long[] entries = new long[size]; // the key's hash in the high half, the slot's first long in the low half
        int[] partitions = new int[size];
        int n = 0;
        for (int at = 0; at < slots.length; at += SLOT) {
            if (slots[at + KEY0] != 0) {
                long head = slots[at + HEAD];
                entries[n] = (head & 0xFFFFFFFF00000000L) | at;
                partitions[n++] = (int) head;
            }
        }
        return CombineTable.group(entries, partitions, numPartitions, entry -> {
            int at = (int) entry;
            return Pair.of(keyAt(at), kind.box(slots[at + COMBINER]));
        });
    }
}
