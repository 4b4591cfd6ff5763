package dev.spindle.shuffle;

import dev.spindle.common.Pair;
import dev.spindle.common.SpindleException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The combine table for the commonest shape, keys that are strings, integers or longs (or null) and combiners that
 * are all integers, all longs or all doubles (counts, sums, ranks): each entry is bytes in a page, the combiner,
 * the reduce partition and the encoded key side by side; the open-addressing slots are longs holding the key's hash
 * and the entry's address. A lookup reads a slot and one entry, usually two cache lines, where the object table
 * reads its key, value, hash and long arrays and then the key string and its byte array; and the table holds no
 * reference, so the collector neither copies nor scans it.
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

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private static final double LOAD = 0.6;
    private static final int PAGE_SHIFT = 20;
    private static final int MAX_PAGE = 1 << PAGE_SHIFT;
    private static final int FIRST_PAGE = 4 << 10;
    private static final int MAX_PAGES = 1 << (31 - PAGE_SHIFT);
    /** Combiner (8), partition (4), key length (4), then the key. */
    private static final int HEADER = 16;
    private static final int MAX_KEY_BYTES = MAX_PAGE - HEADER;

    private static final byte NULL_KEY = 0;
    private static final byte LATIN1_KEY = 1;
    private static final byte UTF16_KEY = 2;
    private static final byte INT_KEY = 3;
    private static final byte LONG_KEY = 4;

    /** Per slot: 0 when free, else the key's hash in the high half and the entry's address + 1 in the low half. */
    private long[] slots = new long[64];
    private int mask = 63;
    private int size;
    private int growAt = (int) (64 * LOAD);
    private final List<byte[]> pages = new ArrayList<>(List.of(new byte[FIRST_PAGE]));
    /** The page entries are appended to: there is always one, so the append path tests no null per table. */
    private byte[] page = pages.get(0);
    private int used;
    /** The kind of every combiner held; null until the first. */
    private NumericCombiner kind;
    private byte[] scratch = new byte[64];
    private long bytes = FIRST_PAGE;

    /** Keys held. */
    int size() {
        return size;
    }

    /** Heap bytes of the slots and pages. */
    long bytes() {
        return bytes + 8L * slots.length;
    }

    /**
     * Adds {@code value} under {@code key}: {@link #NEW} when the key was new, {@link #MERGED} when it was there,
     * {@link #UNSUPPORTED} (and nothing changed) when the key or the combiner cannot be held here. A new key's reduce
     * partition is {@code partitionOf}'s, asked once per key, not per record. The merger and {@code partitionOf} run
     * before anything changes, so an exception from user code leaves the table as it was.
     */
    int update(ToIntFunction<Object> partitionOf, Object key, Object value, CombineTable.Merger merger) {
        // A string key is compared with the entries as it is; other keys are encoded first and compared as bytes.
        String string = key instanceof String s ? s : null;
        int length = string != null ? 0 : encode(key);
        if (length < 0) {
            return UNSUPPORTED;
        }
        int hash = key == null ? 0 : key.hashCode();
        int index = spread(hash) & mask;
        while (true) {
            long slot = slots[index];
            if (slot == 0) {
                break;
            }
            if ((int) (slot >>> 32) == hash) {
                int address = (int) slot - 1;
                byte[] entries = pages.get(address >>> PAGE_SHIFT);
                int offset = address & (MAX_PAGE - 1);
                if (string != null ? holdsString(entries, offset, string) : holdsScratch(entries, offset, length)) {
                    long bits = (long) LONGS.get(entries, offset);
                    NumericReduction reduction = merger.reduction();
                    if (reduction != null && reduction.appliesTo(kind, value)) {
                        LONGS.set(entries, offset, reduction.apply(bits, kind.bits(value)));
                        return MERGED;
                    }
                    Object merged = merger.merge(kind.box(bits), value);
                    if (!kind.holds(merged)) {
                        return UNSUPPORTED;
                    }
                    LONGS.set(entries, offset, kind.bits(merged));
                    return MERGED;
                }
            }
            index = (index + 1) & mask;
        }
        if (string != null) {
            length = encode(string);
            if (length < 0) {
                return UNSUPPORTED;
            }
        }
        Object combiner = merger.first(value);
        NumericCombiner combinerKind = NumericCombiner.of(combiner);
        if (combinerKind == null || (kind != null && combinerKind != kind)) {
            return UNSUPPORTED;
        }
        int partition = partitionOf.applyAsInt(key);
        int address = append(partition, length, combinerKind.bits(combiner));
        if (address < 0) {
            return UNSUPPORTED;
        }
        kind = combinerKind;
        slots[index] = ((long) hash << 32) | ((address + 1) & 0xFFFFFFFFL);
        if (++size > growAt) {
            grow();
        }
        return NEW;
    }

    /** True when the entry at {@code offset} holds the key encoded in {@link #scratch} ({@code length} bytes). */
    private boolean holdsScratch(byte[] entries, int offset, int length) {
        return (int) INTS.get(entries, offset + 12) == length
                && Arrays.equals(entries, offset + HEADER, offset + HEADER + length, scratch, 0, length);
    }

    /**
     * True when the entry at {@code offset} holds {@code key}: the characters are compared with the encoded bytes
     * where they are, so a lookup neither copies the string nor calls a byte comparison for a few bytes. A string
     * that fits Latin-1 is always encoded as Latin-1 (see {@link #encode}), so only entries of its own encoding
     * can hold it.
     */
    private static boolean holdsString(byte[] entries, int offset, String key) {
        int n = key.length();
        int length = (int) INTS.get(entries, offset + 12);
        int at = offset + HEADER + 1;
        if (length == 1 + n && entries[at - 1] == LATIN1_KEY) {
            for (int i = 0; i < n; i++) {
                if ((entries[at + i] & 0xFF) != key.charAt(i)) {
                    return false;
                }
            }
            return true;
        }
        if (length == 1 + 2 * n && entries[at - 1] == UTF16_KEY) {
            for (int i = 0; i < n; i++) {
                if (utf16At(entries, at + 2 * i) != key.charAt(i)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** Encodes {@code key} into {@link #scratch}; its length, or -1 when this table cannot hold it. */
    private int encode(Object key) {
        if (key == null) {
            scratch[0] = NULL_KEY;
            return 1;
        }
        if (key instanceof String s) {
            int n = s.length();
            if (1 + 2L * n > MAX_KEY_BYTES) {
                return -1;
            }
            ensureScratch(1 + 2 * n);
            byte[] b = scratch;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c > 0xFF) {
                    return encodeUtf16(s);
                }
                b[1 + i] = (byte) c;
            }
            b[0] = LATIN1_KEY;
            return 1 + n;
        }
        if (key instanceof Integer i) {
            scratch[0] = INT_KEY;
            INTS.set(scratch, 1, (int) i);
            return 5;
        }
        if (key instanceof Long l) {
            ensureScratch(9);
            scratch[0] = LONG_KEY;
            LONGS.set(scratch, 1, (long) l);
            return 9;
        }
        return -1;
    }

    /** A string with a character past Latin-1: two bytes per UTF-16 unit (equal strings still encode equally). */
    private int encodeUtf16(String s) {
        byte[] b = scratch;
        b[0] = UTF16_KEY;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b[1 + 2 * i] = (byte) (c >>> 8);
            b[2 + 2 * i] = (byte) c;
        }
        return 1 + 2 * s.length();
    }

    private void ensureScratch(int length) {
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, 2 * scratch.length)];
        }
    }

    private static Object decodeKey(byte[] entries, int offset) {
        int length = (int) INTS.get(entries, offset + 12);
        int at = offset + HEADER;
        return switch (entries[at]) {
            case NULL_KEY -> null;
            case LATIN1_KEY -> new String(entries, at + 1, length - 1, StandardCharsets.ISO_8859_1);
            case UTF16_KEY -> decodeUtf16(entries, at + 1, (length - 1) / 2);
            case INT_KEY -> (int) INTS.get(entries, at + 1);
            case LONG_KEY -> (long) LONGS.get(entries, at + 1);
            default -> throw SpindleException.internal("unknown key encoding %d in a combine table", entries[at]);
        };
    }

    /** By hand, not with a charset: a decoder would replace an unpaired surrogate, which a Java string may hold. */
    private static String decodeUtf16(byte[] bytes, int from, int chars) {
        char[] decoded = new char[chars];
        for (int i = 0; i < chars; i++) {
            decoded[i] = utf16At(bytes, from + 2 * i);
        }
        return new String(decoded);
    }

    /** The UTF-16 unit {@link #encodeUtf16} wrote at {@code at}, high byte first. */
    private static char utf16At(byte[] bytes, int at) {
        return (char) (((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF));
    }

    /**
     * Appends an entry for the key in {@link #scratch}; its address (page number, then offset in the page), or -1 when
     * the pages are full (2 GiB: addresses are ints).
     */
    private int append(int partition, int keyLength, long combiner) {
        int entryBytes = (HEADER + keyLength + 7) & ~7;
        if (used + entryBytes > page.length) {
            if (page.length < MAX_PAGE && used + entryBytes <= MAX_PAGE) {
                page = Arrays.copyOf(page, Math.min(MAX_PAGE, Math.max(2 * page.length, used + entryBytes)));
                bytes += page.length - pages.get(pages.size() - 1).length;
                pages.set(pages.size() - 1, page);
            } else {
                if (pages.size() == MAX_PAGES) {
                    return -1;
                }
                page = new byte[Math.max(MAX_PAGE, entryBytes)];
                bytes += page.length;
                pages.add(page);
                used = 0;
            }
        }
        int offset = used;
        LONGS.set(page, offset, combiner);
        INTS.set(page, offset + 8, partition);
        INTS.set(page, offset + 12, keyLength);
        System.arraycopy(scratch, 0, page, offset + HEADER, keyLength);
        used += entryBytes;
        return ((pages.size() - 1) << PAGE_SHIFT) | offset;
    }

    private void grow() {
        SpindleException.checkState(slots.length < (1 << 29), "combine table cannot grow past %d keys", size);
        long[] old = slots;
        slots = new long[2 * old.length];
        mask = slots.length - 1;
        growAt = (int) (slots.length * LOAD);
        for (long slot : old) {
            if (slot != 0) {
                int index = spread((int) (slot >>> 32)) & mask;
                while (slots[index] != 0) {
                    index = (index + 1) & mask;
                }
                slots[index] = slot;
            }
        }
    }

    private static int spread(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** Every entry as partition, key, combiner and key hash, in no particular order: to move them elsewhere. */
    void entries(EntryConsumer consumer) {
        for (long slot : slots) {
            if (slot != 0) {
                int address = (int) slot - 1;
                byte[] entries = pages.get(address >>> PAGE_SHIFT);
                int offset = address & (MAX_PAGE - 1);
                consumer.accept((int) INTS.get(entries, offset + 8), decodeKey(entries, offset),
                        kind.box((long) LONGS.get(entries, offset)), (int) (slot >>> 32));
            }
        }
    }

    interface EntryConsumer {
        void accept(int partition, Object key, Object combiner, int hash);
    }

    /** Entries grouped by partition, each group in ascending key-hash order, like {@link CombineTable#grouped}. */
    CombineTable.Grouped grouped(int numPartitions) {
        long[] entries = new long[size]; // the slots: hash in the high half, address + 1 in the low half
        int[] partitions = new int[size];
        int n = 0;
        for (long slot : slots) {
            if (slot != 0) {
                entries[n] = slot;
                partitions[n++] = partitionOf(slot);
            }
        }
        return CombineTable.group(entries, partitions, numPartitions, slot -> {
            int address = (int) slot - 1;
            byte[] page = pages.get(address >>> PAGE_SHIFT);
            int offset = address & (MAX_PAGE - 1);
            return Pair.of(decodeKey(page, offset), kind.box((long) LONGS.get(page, offset)));
        });
    }

    private int partitionOf(long slot) {
        int address = (int) slot - 1;
        return (int) INTS.get(pages.get(address >>> PAGE_SHIFT), (address & (MAX_PAGE - 1)) + 8);
    }
}
