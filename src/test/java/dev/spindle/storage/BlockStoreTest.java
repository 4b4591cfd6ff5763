package dev.spindle.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import dev.spindle.plan.StorageLevel;
import dev.spindle.serde.DefaultRecordSerializer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockStoreTest {
    @TempDir
    Path dir;

    @Test
    void aPartitionThatFailsWhileUnrollingGivesItsStorageMemoryBack() {
        BlockStore store = new BlockStore(evictor -> new MemoryManager(64L << 20, 0.5, evictor),
                new DefaultRecordSerializer(), dir, Thread.currentThread().getContextClassLoader());
        MemoryManager memory = store.memory();
        Iterator<Object> failing = IntStream.range(0, 1_000).<Object>mapToObj(i -> {
            if (i == 500) {
                throw new IllegalStateException("user code failed at " + i);
            }
            return "value-" + i;
        }).iterator();
        assertThatThrownBy(() -> store.getOrCompute(1, 0, StorageLevel.MEMORY_ONLY, () -> failing, null))
                .hasMessage("user code failed at 500");
        assertThat(memory.storageUsed()).isZero();

        Iterator<Object> fine = store.getOrCompute(1, 0, StorageLevel.MEMORY_ONLY,
                () -> IntStream.range(0, 1_000).<Object>mapToObj(i -> "value-" + i).iterator(), null);
        int n = 0;
        while (fine.hasNext()) {
            fine.next();
            n++;
        }
        assertThat(n).isEqualTo(1_000);
        assertThat(memory.storageUsed()).as("the stored block holds memory").isPositive();
    }

    @Test
    void aBlockWriteToAFullDiskNamesTheFileTheFreeSpaceAndTheSetting() throws IOException {
        BlockStore store = new BlockStore(evictor -> new MemoryManager(64L << 20, 0.5, evictor),
                new DefaultRecordSerializer(), dir, Thread.currentThread().getContextClassLoader());
        BlockId id = new BlockId.ResultBlock(42);
        // The block's file is a link to /dev/full, whose writes fail with ENOSPC as on a full disk.
        Path file = Files.createSymbolicLink(dir.resolve(id.name()), Path.of("/dev/full"));
        assertThatThrownBy(() -> store.putBytes(id, new byte[64 << 10], StorageLevel.DISK_ONLY))
                .isInstanceOfSatisfying(SpindleException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_RESOURCES))
                .hasMessageStartingWith("cannot write block " + id.name() + " to " + file
                        + ": no space left on device (")
                .hasMessageContaining(" holding " + dir + ")")
                .hasMessageContaining("point spindle.local.dir at a disk with more room");
        Files.delete(file);
    }
}
