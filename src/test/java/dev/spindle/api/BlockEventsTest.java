package dev.spindle.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.scheduler.spi.SchedulerEvent;
import java.util.List;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Cached partitions show up as BlockUpdated events (what the event log, and later the UI, record), with sizes. */
@Timeout(60)
class BlockEventsTest {
    private static List<SchedulerEvent.BlockUpdated> blocks(RecordedEvents events) {
        return events.stream().filter(e -> e instanceof SchedulerEvent.BlockUpdated)
                .map(e -> (SchedulerEvent.BlockUpdated) e).toList();
    }

    @Test
    void cachingAndUnpersistingPostOneEventPerPartition() {
        try (Context ctx = Context.local(2)) {
            RecordedEvents events = new RecordedEvents();
            events.listenTo(ctx);
            Dataset<Integer> data = ctx.parallelize(IntStream.range(0, 1000).boxed().toList(), 4).map(x -> x * 2)
                    .cache();
            assertThat(data.count()).isEqualTo(1000);
            Awaitility.await().until(() -> blocks(events).size() == 4);
            assertThat(blocks(events)).extracting(SchedulerEvent.BlockUpdated::partition)
                    .containsExactlyInAnyOrder(0, 1, 2, 3);
            assertThat(blocks(events)).allSatisfy(b -> {
                assertThat(b.removed()).isFalse();
                assertThat(b.memoryBytes()).isPositive();
            });

            // Reading the cache again changes nothing.
            assertThat(data.count()).isEqualTo(1000);
            data.unpersist();
            Awaitility.await().until(() -> blocks(events).stream().filter(SchedulerEvent.BlockUpdated::removed)
                    .count() == 4);
            assertThat(blocks(events)).hasSize(8);
        }
    }
}
