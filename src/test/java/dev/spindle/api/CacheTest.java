package dev.spindle.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.config.SpindleConf;
import dev.spindle.plan.StorageLevel;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Persisted datasets are computed once; a bounded memory tier evicts, and evicted data is recomputed or read from disk. */
@Timeout(120)
class CacheTest {
    private static final AtomicInteger COMPUTED = new AtomicInteger();
    private static Context ctx;

    @BeforeAll
    static void start() {
        // 4 MiB of unified memory, half of it protected for storage: room for a few ~600 KB partitions only.
        ctx = new Context(SpindleConf.empty().with("spindle.master", "local[2]").with("spindle.memory.size", "4m"));
    }

    @AfterAll
    static void stop() {
        ctx.close();
    }

    @BeforeEach
    void reset() {
        COMPUTED.set(0);
    }

    private static Dataset<String> counted(int partitions, int perPartition, int width) {
        return ctx.parallelize(IntStream.range(0, partitions * perPartition).boxed().toList(), partitions)
                .map(i -> {
                    COMPUTED.incrementAndGet();
                    return String.format("%0" + width + "d", i);
                });
    }

    @ParameterizedTest
    @EnumSource(value = StorageLevel.class, names = {"MEMORY_ONLY", "MEMORY_ONLY_SER", "MEMORY_AND_DISK", "DISK_ONLY"})
    void aPersistedDatasetIsComputedOnce(StorageLevel level) {
        Dataset<String> data = counted(4, 100, 8).persist(level);
        assertThat(data.count()).isEqualTo(400);
        assertThat(data.count()).isEqualTo(400);
        assertThat(data.collect()).hasSize(400).contains("00000399");
        assertThat(COMPUTED.get()).as("side effect ran once per element").isEqualTo(400);
        data.unpersist();
        data.count();
        assertThat(COMPUTED.get()).as("unpersisted: computed again").isEqualTo(800);
    }

    @Test
    void aPartitionWithOneHugeValueAmongSmallOnesIsCachedWhenItFits() {
        // One value of 20,000 strings (~1.4 MB as objects) among 3,000 short strings: ~1.6 MB, which fits. Sampling
        // value sizes extrapolated the huge one to the whole partition and never cached it.
        Dataset<Object> data = ctx.parallelize(IntStream.range(0, 3_000).boxed().toList(), 1)
                .map(i -> {
                    COMPUTED.incrementAndGet();
                    return i == 63 ? (Object) IntStream.range(0, 20_000).mapToObj(j -> "target-" + j).toList()
                            : (Object) ("small-" + i);
                })
                .cache();
        assertThat(data.count()).isEqualTo(3_000);
        assertThat(data.count()).isEqualTo(3_000);
        assertThat(COMPUTED.get()).as("cached on the first pass").isEqualTo(3_000);
        data.unpersist();
    }

    @Test
    void memoryOnlyPartitionsEvictedForLackOfMemoryAreRecomputed() {
        // 8 partitions of 4,000 strings of 100 chars (~600 KB each as objects): not all fit in 4 MiB.
        Dataset<String> data = counted(8, 4000, 100).cache();
        assertThat(data.count()).isEqualTo(32_000);
        int first = COMPUTED.get();
        assertThat(data.count()).isEqualTo(32_000);
        assertThat(COMPUTED.get()).as("some partitions did not fit and were recomputed").isGreaterThan(first);
        assertThat(COMPUTED.get()).as("but not all: the memory tier kept some").isLessThan(2 * first);
        data.unpersist();
    }

    @Test
    void cachingAnotherDatasetEvictsTheLeastRecentlyUsedBlocksOfTheFirst() {
        Dataset<String> first = counted(4, 4000, 100).cache();
        first.count();
        first.count();
        assertThat(COMPUTED.get()).as("4 partitions (~2.4 MB) fit").isEqualTo(16_000);
        Dataset<String> second = counted(4, 4000, 100).cache();
        second.count();
        second.count();
        assertThat(COMPUTED.get()).as("the second dataset took their place").isEqualTo(32_000);
        COMPUTED.set(0);
        first.count();
        assertThat(COMPUTED.get()).as("evicted partitions of the first are recomputed").isPositive();
        first.unpersist();
        second.unpersist();
    }

    @Test
    void memoryAndDiskPartitionsGoToDiskInsteadOfBeingRecomputed() {
        Dataset<String> data = counted(8, 4000, 100).persist(StorageLevel.MEMORY_AND_DISK);
        assertThat(data.count()).isEqualTo(32_000);
        assertThat(data.count()).isEqualTo(32_000);
        assertThat(data.map(String::length).reduce(Integer::sum)).isEqualTo(3_200_000);
        assertThat(COMPUTED.get()).isEqualTo(32_000);
        data.unpersist();
    }

    @Test
    void persistingAtAnotherLevelIsRejected() {
        Dataset<String> data = counted(1, 1, 1).cache();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> data.persist(StorageLevel.DISK_ONLY))
                .hasMessageContaining("already persisted at MEMORY_ONLY");
        assertThat(data.getStorageLevel()).isEqualTo(StorageLevel.MEMORY_ONLY);
        List<String> values = data.collect();
        assertThat(values).containsExactly("0");
    }
}
