package dev.spindle.executor;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ExecutorId;
import dev.spindle.config.SpindleConf;
import dev.spindle.plan.ShuffleInput;
import dev.spindle.serde.RecordSerializer;
import dev.spindle.shuffle.ShuffleFiles;
import dev.spindle.storage.BlockStore;
import dev.spindle.storage.MemoryManager;

/** Everything an executor's tasks run against, assembled by whoever starts the executor. */
public record ExecutorServices(
        ExecutorId id,
        String host,
        int cores,
        SpindleConf conf,
        ClassLoader classLoader,
        CodeLoader code,
        RecordSerializer serializer,
        MemoryManager memory,
        BlockStore blocks,
        ShuffleFiles shuffleFiles,
        ShuffleInput shuffleInput,
        BroadcastSource broadcasts) {

    public ExecutorServices {
        requireNonNull(id, "id is null");
        requireNonNull(host, "host is null");
        requireNonNull(conf, "conf is null");
        requireNonNull(classLoader, "classLoader is null");
        requireNonNull(code, "code is null");
        requireNonNull(serializer, "serializer is null");
        requireNonNull(memory, "memory is null");
        requireNonNull(blocks, "blocks is null");
        requireNonNull(shuffleFiles, "shuffleFiles is null");
        requireNonNull(shuffleInput, "shuffleInput is null");
        requireNonNull(broadcasts, "broadcasts is null");
    }
}
