package dev.spindle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.Pair;
import dev.spindle.config.SpindleConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class CheckpointTest {
    private static final AtomicInteger COMPUTED = new AtomicInteger();

    @Test
    void checkpointWritesTheDatasetAndTruncatesItsLineage(@TempDir Path dir) throws Exception {
        try (Context ctx = new Context(SpindleConf.empty().with("spindle.master", "local[2]")
                .with("spindle.checkpoint.dir", dir.toUri().toString()))) {
            PairDataset<Integer, Integer> sums = ctx.parallelize(IntStream.range(0, 200).boxed().toList(), 4)
                    .mapToPair(x -> {
                        COMPUTED.incrementAndGet();
                        return Pair.of(x % 5, x);
                    })
                    .reduceByKey(Integer::sum);
            sums.checkpoint();
            assertThat(sums.isCheckpointed()).isFalse();
            assertThat(sums.collectAsMap()).hasSize(5);
            assertThat(sums.isCheckpointed()).isTrue();
            assertThat(sums.toDebugString()).doesNotContain("mapToPair").doesNotContain("parallelize");
            int computed = COMPUTED.get();
            assertThat(sums.collectAsMap()).isEqualTo(java.util.Map.of(0, 3900, 1, 3940, 2, 3980, 3, 4020, 4, 4060));
            assertThat(COMPUTED.get()).as("read back from the checkpoint, not recomputed").isEqualTo(computed);
            try (var files = Files.walk(dir)) {
                assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith("part-")).count()).isEqualTo(sums.getNumPartitions());
            }
            List<Integer> keys = sums.keys().collect();
            assertThat(keys).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        }
    }

    @Test
    void checkpointWithoutADirectoryFailsWithTheSettingToSet() {
        try (Context ctx = Context.local(1)) {
            assertThatThrownBy(() -> ctx.parallelize(List.of(1), 1).checkpoint())
                    .hasMessageContaining("spindle.checkpoint.dir");
        }
    }
}
