package dev.spindle.executor;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ExecutorId;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import dev.spindle.plan.BlockCache;
import dev.spindle.plan.CommitArbiter;
import dev.spindle.plan.ShuffleInput;
import dev.spindle.serde.RecordSerializer;
import dev.spindle.shuffle.BlockFetcher;
import dev.spindle.shuffle.MapOutputLocator;
import dev.spindle.shuffle.ShuffleFiles;
import dev.spindle.shuffle.ShuffleReader;
import dev.spindle.storage.BlockStore;
import dev.spindle.storage.MemoryManager;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Everything an executor's tasks run against, assembled by whoever starts the executor.
 *
 * @param blockPort the port of the executor's block server, -1 when it runs inside the driver
 * @param commits the driver's output-commit coordinator, or the way to ask it
 */
public record ExecutorServices(
        ExecutorId id,
        String host,
        int blockPort,
        int cores,
        SpindleConf conf,
        ClassLoader classLoader,
        CodeLoader code,
        RecordSerializer serializer,
        MemoryManager memory,
        BlockStore blocks,
        BlockCache cache,
        ShuffleFiles shuffleFiles,
        ShuffleInput shuffleInput,
        BroadcastSource broadcasts,
        CommitArbiter commits) {

    public ExecutorServices {
        requireNonNull(id, "id is null");
        requireNonNull(host, "host is null");
        requireNonNull(conf, "conf is null");
        requireNonNull(classLoader, "classLoader is null");
        requireNonNull(code, "code is null");
        requireNonNull(serializer, "serializer is null");
        requireNonNull(memory, "memory is null");
        requireNonNull(blocks, "blocks is null");
        requireNonNull(cache, "cache is null");
        requireNonNull(shuffleFiles, "shuffleFiles is null");
        requireNonNull(shuffleInput, "shuffleInput is null");
        requireNonNull(broadcasts, "broadcasts is null");
        requireNonNull(commits, "commits is null");
    }

    /**
     * Where an executor is and how it reaches the rest of the application; {@code remoteBlocks} is null for the
     * executor inside the driver (there is no other to read from).
     */
    /**
     * How one executor's services are built.
     *
     * @param blockPort the port its map output is served from: its block server's, or its NodeManager's shuffle
     *     service's; -1 inside the driver
     * @param shuffleDir where its map output goes; null: {@code localDir/shuffle}
     */
    public record Wiring(ExecutorId id, String host, int blockPort, int cores, SpindleConf conf, ClassLoader classLoader,
            CodeLoader code, RecordSerializer serializer, Path localDir, MapOutputLocator mapOutputs,
            Function<ShuffleFiles, BlockFetcher> fetcher, BroadcastSource broadcasts, RemoteBlocks remoteBlocks,
            CommitArbiter commits, Path shuffleDir) {
        public Wiring(ExecutorId id, String host, int blockPort, int cores, SpindleConf conf, ClassLoader classLoader,
                CodeLoader code, RecordSerializer serializer, Path localDir, MapOutputLocator mapOutputs,
                Function<ShuffleFiles, BlockFetcher> fetcher, BroadcastSource broadcasts, RemoteBlocks remoteBlocks,
                CommitArbiter commits) {
            this(id, host, blockPort, cores, conf, classLoader, code, serializer, localDir, mapOutputs, fetcher,
                    broadcasts, remoteBlocks, commits, null);
        }
    }

    /**
     * The services of one executor in this JVM: memory bounded by this JVM's heap and the memory settings, a block
     * store and shuffle files under {@code wiring.localDir()}, a shuffle reader that finds map outputs through
     * {@code wiring.mapOutputs()} and opens them with the fetcher made for these shuffle files.
     */
    public static ExecutorServices assemble(Wiring wiring) {
        SpindleConf conf = wiring.conf();
        long memoryBytes = MemoryManager.unifiedBytes(Runtime.getRuntime().maxMemory(),
                conf.get(SpindleConfig.MEMORY_FRACTION), conf.get(SpindleConfig.MEMORY_SIZE));
        BlockStore blocks = new BlockStore(evictor -> new MemoryManager(memoryBytes,
                conf.get(SpindleConfig.MEMORY_STORAGE_FRACTION), evictor), wiring.serializer(),
                wiring.localDir().resolve("blocks"), wiring.classLoader());
        MemoryManager memory = blocks.memory();
        ShuffleFiles shuffleFiles = new ShuffleFiles(wiring.shuffleDir() != null ? wiring.shuffleDir()
                : wiring.localDir().resolve("shuffle"));
        ShuffleReader reader = new ShuffleReader(wiring.mapOutputs(), wiring.fetcher().apply(shuffleFiles), memory,
                wiring.serializer(), shuffleFiles, conf.get(SpindleConfig.REDUCER_MAX_BYTES_IN_FLIGHT));
        BlockCache cache = wiring.remoteBlocks() == null ? blocks : new ClusterBlockCache(blocks, wiring.remoteBlocks());
        return new ExecutorServices(wiring.id(), wiring.host(), wiring.blockPort(), wiring.cores(), conf,
                wiring.classLoader(), wiring.code(), wiring.serializer(), memory, blocks, cache, shuffleFiles, reader,
                wiring.broadcasts(), wiring.commits());
    }
}
