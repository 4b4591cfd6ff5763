package dev.spindle.storage;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import dev.spindle.plan.BlockCache;
import dev.spindle.plan.StorageLevel;
import dev.spindle.plan.TaskContext;
import dev.spindle.serde.RecordInput;
import dev.spindle.serde.RecordOutput;
import dev.spindle.serde.RecordSerializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The executor's cache of persisted partitions: a memory tier bounded by the {@link MemoryManager}'s storage
 * memory, evicting least-recently-used blocks, and a disk tier in the executor's local directory. Evicted
 * {@code MEMORY_ONLY} blocks are dropped (their partitions are recomputed from lineage); blocks of levels that use
 * disk move there. Thread-safe; no lock is held while user code runs or while a block is written.
 */
public final class BlockStore implements BlockCache, AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(BlockStore.class);
    private static final int RESERVE_EVERY = 64;

    /** A block in memory: a list of objects, or serialized bytes. Immutable once stored. */
    private record MemoryBlock(Object data, long bytes, StorageLevel level) {
    }

    /** Snapshot of one block, for heartbeats and the UI. */
    public record BlockInfo(BlockId id, StorageLevel level, long memoryBytes, long diskBytes) {
    }

    private final MemoryManager memory;
    private final RecordSerializer serializer;
    private final Path dir;
    private final ClassLoader loader;
    private final LinkedHashMap<BlockId, MemoryBlock> inMemory = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<BlockId, Long> onDisk = new HashMap<>();
    private final Map<BlockId, StorageLevel> diskLevels = new HashMap<>();
    private long hits;
    private long misses;
    private long evictions;
    /** Grows with every change of what is cached (stored, spilled, evicted, removed); guarded by this. */
    private long version;
    /** The block this thread is reserving storage memory for; eviction spares other partitions of its dataset. */
    private final ThreadLocal<BlockId> storing = new ThreadLocal<>();

    /**
     * A store whose blocks live in the memory {@code memory} makes, given how this store evicts blocks when
     * execution needs their memory, and on disk under {@code dir}.
     */
    public BlockStore(Function<MemoryManager.StorageEvictor, MemoryManager> memory, RecordSerializer serializer,
            Path dir, ClassLoader loader) {
        this.serializer = requireNonNull(serializer, "serializer is null");
        this.dir = requireNonNull(dir, "dir is null");
        this.loader = requireNonNull(loader, "loader is null");
        this.memory = requireNonNull(requireNonNull(memory, "memory is null").apply(this::evict),
                "the memory factory returned null");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot create block directory " + dir + ": " + e, e);
        }
    }

    /** The memory this store's blocks share with the executor's running tasks. */
    public MemoryManager memory() {
        return memory;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Iterator<T> getOrCompute(int nodeId, int partition, StorageLevel level, Supplier<Iterator<T>> compute,
            TaskContext context) {
        BlockId id = new BlockId.RddBlock(nodeId, partition);
        Optional<Iterator<Object>> cached = get(id);
        if (cached.isPresent()) {
            synchronized (this) {
                hits++;
            }
            return (Iterator<T>) cached.get();
        }
        synchronized (this) {
            misses++;
        }
        Iterator<Object> values = (Iterator<Object>) compute.get();
        if (!level.useMemory()) {
            return (Iterator<T>) writeToDiskAndRead(id, values, level);
        }
        storing.set(id);
        try {
            return (Iterator<T>) unrollIntoMemory(id, values, level);
        } finally {
            storing.remove();
        }
    }

    /** The block's records, from memory or disk, if the store has it. */
    @SuppressWarnings("unchecked")
    public Optional<Iterator<Object>> get(BlockId id) {
        MemoryBlock block;
        synchronized (this) {
            block = inMemory.get(id);
        }
        if (block != null) {
            if (block.data() instanceof byte[] bytes) {
                return Optional.of(readAll(new ByteArrayInputStream(bytes)).iterator());
            }
            return Optional.of(((List<Object>) block.data()).iterator());
        }
        synchronized (this) {
            if (!onDisk.containsKey(id)) {
                return Optional.empty();
            }
        }
        return Optional.of(readDisk(id));
    }

    /**
     * The block's records in the record serializer's stream format (as on disk), for serving it to another executor;
     * empty when the store does not have it.
     */
    @SuppressWarnings("unchecked")
    public Optional<InputStream> openSerialized(BlockId id) throws IOException {
        MemoryBlock block;
        synchronized (this) {
            block = inMemory.get(id);
            if (block == null && !onDisk.containsKey(id)) {
                return Optional.empty();
            }
        }
        if (block == null) {
            return Optional.of(Files.newInputStream(file(id)));
        }
        byte[] bytes = block.data() instanceof byte[] serialized ? serialized
                : serialize(((List<Object>) block.data()).iterator());
        return Optional.of(new ByteArrayInputStream(bytes));
    }

    private Iterator<Object> unrollIntoMemory(BlockId id, Iterator<Object> values, StorageLevel level) {
        List<Object> unrolled = new ArrayList<>();
        long reserved = 0;
        // Every value is estimated, not a sample of them: with sizes as skewed as a power-law graph's adjacency
        // lists, one sampled hub made the extrapolated block hundreds of times larger than it was, and it was never
        // cached. An estimate costs little next to building the value.
        long estimated = 64;
        try {
            while (values.hasNext()) {
                Object value = values.next();
                unrolled.add(value);
                estimated += SizeEstimator.estimate(value) + 8;
                if (unrolled.size() % RESERVE_EVERY == 0 && estimated > reserved) {
                    long more = Math.max(estimated - reserved, estimated / 2);
                    if (memory.acquireStorage(more)) {
                        reserved += more;
                    } else {
                        memory.releaseStorage(reserved);
                        reserved = 0;
                        return doesNotFit(id, unrolled, values, level);
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            memory.releaseStorage(reserved); // the partition failed to compute: nothing is stored
            throw e;
        }
        if (estimated > reserved && !memory.acquireStorage(estimated - reserved)) {
            memory.releaseStorage(reserved);
            return doesNotFit(id, unrolled, Collections.emptyIterator(), level);
        }
        reserved = Math.max(reserved, estimated);
        Object data = unrolled;
        if (!level.deserialized()) {
            byte[] bytes = serialize(unrolled.iterator());
            memory.releaseStorage(reserved);
            if (!memory.acquireStorage(bytes.length)) {
                return doesNotFit(id, unrolled, Collections.emptyIterator(), level);
            }
            reserved = bytes.length;
            data = bytes;
        }
        store(id, new MemoryBlock(data, reserved, level));
        return unrolled.iterator();
    }

    private void store(BlockId id, MemoryBlock block) {
        MemoryBlock previous;
        synchronized (this) {
            previous = inMemory.put(id, block);
            version++;
        }
        if (previous != null) {
            memory.releaseStorage(previous.bytes());
        }
    }

    private Iterator<Object> doesNotFit(BlockId id, List<Object> unrolled, Iterator<Object> rest, StorageLevel level) {
        Iterator<Object> all = concat(unrolled.iterator(), rest);
        if (level.useDisk()) {
            return writeToDiskAndRead(id, all, level);
        }
        LOG.info("Not enough storage memory to cache {} ({} values unrolled; memory: {} bytes, {} used by storage, "
                + "{} by execution); it will be recomputed when needed", id.name(), unrolled.size(),
                memory.totalBytes(), memory.storageUsed(), memory.executionUsed());
        return all;
    }

    private Iterator<Object> writeToDiskAndRead(BlockId id, Iterator<Object> values, StorageLevel level) {
        writeDisk(id, values, level);
        return readDisk(id);
    }

    private void writeDisk(BlockId id, Iterator<Object> values, StorageLevel level) {
        Path file = file(id);
        Path temp = dir.resolve(id.name() + ".tmp-" + Thread.currentThread().getId());
        try (RecordOutput out = serializer.newOutput(Files.newOutputStream(temp))) {
            while (values.hasNext()) {
                out.write(values.next());
            }
        } catch (IOException e) {
            throw LocalDirWriteFailure.of("block " + id.name() + " to", temp, e);
        }
        try {
            Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            long size = Files.size(file);
            synchronized (this) {
                onDisk.put(id, size);
                diskLevels.put(id, level);
                version++;
            }
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot store block " + id.name() + ": " + e, e);
        }
    }

    private Iterator<Object> readDisk(BlockId id) {
        RecordInput input;
        try {
            input = serializer.newInput(Files.newInputStream(file(id)), loader);
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot read block " + id.name() + ": " + e, e);
        }
        return new RecordIterator(input, id);
    }

    private byte[] serialize(Iterator<Object> values) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (RecordOutput out = serializer.newOutput(bytes)) {
            while (values.hasNext()) {
                out.write(values.next());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private List<Object> readAll(java.io.InputStream in) {
        List<Object> values = new ArrayList<>();
        try (RecordInput input = serializer.newInput(in, loader)) {
            for (Object v = input.read(); v != RecordInput.END; v = input.read()) {
                values.add(v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return values;
    }

    private Path file(BlockId id) {
        return dir.resolve(id.name());
    }

    /**
     * Frees at least {@code bytesWanted} of storage memory if it can, least recently used blocks first. When the
     * request comes from caching a dataset partition, other partitions of the same dataset are never evicted (a
     * dataset bigger than memory would otherwise evict itself on every pass and keep nothing) and nothing is evicted
     * unless enough can be freed.
     */
    long evict(long bytesWanted) {
        BlockId requester = storing.get();
        List<Map.Entry<BlockId, MemoryBlock>> victims = new ArrayList<>();
        long freed = 0;
        synchronized (this) {
            for (Map.Entry<BlockId, MemoryBlock> e : inMemory.entrySet()) {
                if (freed >= bytesWanted) {
                    break;
                }
                if (!sameDataset(requester, e.getKey())) {
                    victims.add(Map.entry(e.getKey(), e.getValue()));
                    freed += e.getValue().bytes();
                }
            }
            if (requester != null && freed < bytesWanted) {
                return 0;
            }
            for (Map.Entry<BlockId, MemoryBlock> victim : victims) {
                inMemory.remove(victim.getKey());
                evictions++;
                version++;
            }
        }
        for (Map.Entry<BlockId, MemoryBlock> victim : victims) {
            MemoryBlock block = victim.getValue();
            if (block.level().useDisk()) {
                @SuppressWarnings("unchecked")
                Iterator<Object> values = block.data() instanceof byte[] bytes
                        ? readAll(new ByteArrayInputStream(bytes)).iterator()
                        : ((List<Object>) block.data()).iterator();
                writeDisk(victim.getKey(), values, block.level());
                LOG.debug("Moved block {} to disk", victim.getKey().name());
            } else {
                LOG.debug("Dropped block {} from memory", victim.getKey().name());
            }
            memory.releaseStorage(block.bytes());
        }
        return freed;
    }

    private static boolean sameDataset(BlockId requester, BlockId candidate) {
        return requester instanceof BlockId.RddBlock a && candidate instanceof BlockId.RddBlock b
                && a.nodeId() == b.nodeId();
    }

    /** Stores serialized bytes under {@code id} in memory (or on disk when memory is short and the level allows). */
    public void putBytes(BlockId id, byte[] bytes, StorageLevel level) {
        if (level.useMemory() && memory.acquireStorage(bytes.length)) {
            store(id, new MemoryBlock(bytes, bytes.length, level));
        } else if (level.useDisk()) {
            try {
                Files.write(file(id), bytes);
                synchronized (this) {
                    onDisk.put(id, (long) bytes.length);
                    diskLevels.put(id, level);
                    version++;
                }
            } catch (IOException e) {
                throw LocalDirWriteFailure.of("block " + id.name() + " to", file(id), e);
            }
        } else {
            throw new SpindleException(ErrorCode.INSUFFICIENT_RESOURCES, "no storage memory for block " + id.name()
                    + " of " + bytes.length + " bytes; raise spindle.executor.memory or spindle.memory.fraction");
        }
    }

    /** Drops block {@code id} from memory and disk. */
    public void remove(BlockId id) {
        MemoryBlock block;
        boolean disk;
        synchronized (this) {
            block = inMemory.remove(id);
            disk = onDisk.remove(id) != null;
            diskLevels.remove(id);
            if (block != null || disk) {
                version++;
            }
        }
        if (block != null) {
            memory.releaseStorage(block.bytes());
        }
        if (disk) {
            try {
                Files.deleteIfExists(file(id));
            } catch (IOException e) {
                LOG.warn("Could not delete block file {}: {}", file(id), e.getMessage());
            }
        }
    }

    @Override
    public void remove(int nodeId) {
        List<BlockId> ids = new ArrayList<>();
        synchronized (this) {
            for (BlockId id : inMemory.keySet()) {
                if (id instanceof BlockId.RddBlock rdd && rdd.nodeId() == nodeId) {
                    ids.add(id);
                }
            }
            for (BlockId id : onDisk.keySet()) {
                if (id instanceof BlockId.RddBlock rdd && rdd.nodeId() == nodeId && !ids.contains(id)) {
                    ids.add(id);
                }
            }
        }
        ids.forEach(this::remove);
    }

    /**
     * A number that changes whenever what {@link #cachedBlocks} lists changes: one who saw the same number before
     * has seen the same blocks.
     */
    public synchronized long version() {
        return version;
    }

    public synchronized List<BlockInfo> cachedBlocks() {
        List<BlockInfo> infos = new ArrayList<>();
        inMemory.forEach((id, b) -> infos.add(new BlockInfo(id, b.level(), b.bytes(), onDisk.getOrDefault(id, 0L))));
        onDisk.forEach((id, size) -> {
            if (!inMemory.containsKey(id)) {
                infos.add(new BlockInfo(id, diskLevels.get(id), 0, size));
            }
        });
        return infos;
    }

    public synchronized long hits() {
        return hits;
    }

    public synchronized long misses() {
        return misses;
    }

    public synchronized long evictions() {
        return evictions;
    }

    /** Drops every block, releasing memory and deleting the files. */
    @Override
    public void close() {
        List<BlockId> all;
        synchronized (this) {
            all = new ArrayList<>(inMemory.keySet());
            all.addAll(onDisk.keySet());
        }
        all.forEach(this::remove);
    }

    private static Iterator<Object> concat(Iterator<Object> first, Iterator<Object> second) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return first.hasNext() || second.hasNext();
            }

            @Override
            public Object next() {
                return first.hasNext() ? first.next() : second.next();
            }
        };
    }

    /** Streams a block file's records, closing the file at the end. */
    private static final class RecordIterator implements Iterator<Object> {
        private final RecordInput input;
        private final BlockId id;
        private Object next;

        RecordIterator(RecordInput input, BlockId id) {
            this.input = input;
            this.id = id;
            advance();
        }

        private void advance() {
            try {
                next = input.read();
                if (next == RecordInput.END) {
                    input.close();
                }
            } catch (IOException e) {
                throw new SpindleException(ErrorCode.IO_FAILURE, "cannot read block " + id.name() + ": " + e, e);
            }
        }

        @Override
        public boolean hasNext() {
            return next != RecordInput.END;
        }

        @Override
        public Object next() {
            if (next == RecordInput.END) {
                throw new NoSuchElementException();
            }
            Object result = next;
            advance();
            return result;
        }
    }
}
