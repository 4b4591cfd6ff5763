package dev.spindle.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.plan.StorageLevel;
import dev.spindle.serde.DefaultRecordSerializer;
import dev.spindle.storage.BlockId;
import dev.spindle.storage.BlockStore;
import dev.spindle.storage.MemoryManager;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheReportTest {
    @TempDir
    Path dir;

    @Test
    void eachChangeIsReportedOnceAndAnUnchangedStoreReportsNothing() {
        BlockStore store = new BlockStore(evictor -> new MemoryManager(64L << 20, 0.5, evictor),
                new DefaultRecordSerializer(), dir, Thread.currentThread().getContextClassLoader());
        CacheReport report = new CacheReport();
        assertThat(report.changes(store)).isEmpty();
        for (int partition = 0; partition < 3; partition++) {
            drain(store.getOrCompute(7, partition, StorageLevel.MEMORY_ONLY,
                    () -> List.<Object>of("a", "b").iterator(), null));
        }
        assertThat(report.changes(store)).extracting(CacheReport.Change::partition).containsExactlyInAnyOrder(0, 1, 2);

        long version = store.version();
        drain(store.getOrCompute(7, 1, StorageLevel.MEMORY_ONLY, () -> List.<Object>of("x").iterator(), null));
        assertThat(store.version()).as("a read changes nothing").isEqualTo(version);
        assertThat(report.changes(store)).as("nothing new since").isEmpty();

        store.remove(new BlockId.RddBlock(7, 2));
        assertThat(report.changes(store)).singleElement().satisfies(change -> {
            assertThat(change.partition()).isEqualTo(2);
            assertThat(change.dropped()).isTrue();
        });
        store.putBytes(new BlockId.RddBlock(7, 5), new byte[10], StorageLevel.DISK_ONLY);
        assertThat(report.changes(store)).singleElement().satisfies(change -> {
            assertThat(change.partition()).isEqualTo(5);
            assertThat(change.diskBytes()).isEqualTo(10);
        });
        assertThat(report.reset(store)).as("everything held, for a new driver").hasSize(3);
        assertThat(report.changes(store)).isEmpty();
    }

    private static void drain(Iterator<Object> values) {
        while (values.hasNext()) {
            values.next();
        }
    }
}
