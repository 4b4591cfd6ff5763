package dev.spindle.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.Pair;
import dev.spindle.config.SpindleConf;
import dev.spindle.plan.HashPartitioner;
import dev.spindle.scheduler.spi.SchedulerEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, item 5: in {@code local-cluster}, one reducer that stops consuming does not stall another reducer of
 * the same executor that fetches from the same peer over the same connection, even with a 5 s network timeout: no
 * fetch failure, no stage resubmission.
 */
@Timeout(180)
class FetchFlowControlTest {
    private static final int PARTITIONS = 4;
    /** Per reduce partition: 400 records of 64 KiB, about 25 MiB, several fetch windows. */
    private static final int RECORDS_PER_PARTITION = 400;
    private static final int VALUE_BYTES = 64 << 10;

    @Test
    void aSlowReducerDoesNotStallAnotherReadingFromTheSamePeer(@TempDir Path dir) {
        RecordedEvents events = new RecordedEvents();
        String marks = dir.toString();
        List<String> outcomes;
        try (Context context = new Context(SpindleConf.empty().with("spindle.master", "local-cluster[2,2,1024]")
                .with("spindle.network.timeout", "5s").with("spindle.executor.heartbeatInterval", "500ms"))) {
            events.listenTo(context);
            // Both executors before the job: with one, all four reducers would read locally.
            Awaitility.await("two registered executors").atMost(Duration.ofMinutes(2))
                    .until(() -> context.driver().clusterBackend().orElseThrow().registeredExecutors() == 2);
            outcomes = context.parallelize(List.of(0), 1)
                    .flatMap(ignored -> bigRecords(marks))
                    .mapToPair(record -> record)
                    .partitionBy(new HashPartitioner(PARTITIONS))
                    .mapPartitions((Iterator<Pair<Integer, byte[]>> records) -> List.of(consume(records, marks))
                            .iterator())
                    .collect();
        }
        List<String> remote = outcomes.stream().filter(o -> !o.startsWith("local")).toList();
        assertThat(remote).as("two reducers fetch from the map's executor: %s", outcomes)
                .containsExactlyInAnyOrder("slow " + RECORDS_PER_PARTITION + " after the fast one ended",
                        "fast " + RECORDS_PER_PARTITION);
        assertThat(outcomes).filteredOn(o -> o.startsWith("local")).hasSize(2)
                .allMatch(o -> o.endsWith(" " + RECORDS_PER_PARTITION));
        assertThat(events.stream().filter(e -> e instanceof SchedulerEvent.TaskEnded t && t.failure() != null))
                .as("no fetch failure, no failed task").isEmpty();
        assertThat(events.stream().filter(e -> e instanceof SchedulerEvent.StageSubmitted s && s.attempt() > 0))
                .as("no stage resubmission").isEmpty();
    }

    /** The single map task: notes its process, then writes 25 MiB of incompressible values to each partition. */
    private static Iterator<Pair<Integer, byte[]>> bigRecords(String marks) {
        write(Path.of(marks, "map-process"), Long.toString(ProcessHandle.current().pid()));
        Random random = new Random(16);
        return IntStream.range(0, PARTITIONS * RECORDS_PER_PARTITION).mapToObj(i -> {
            byte[] value = new byte[VALUE_BYTES];
            random.nextBytes(value);
            return Pair.of(i % PARTITIONS, value);
        }).iterator();
    }

    /**
     * A reducer. In the map's own process it reads locally. Of the two in the other process, the first to start
     * reads one record and then waits until the other has read all of its own (from the same peer, over the same
     * connection) before reading on.
     */
    private static String consume(Iterator<Pair<Integer, byte[]>> records, String marks) {
        String self = Long.toString(ProcessHandle.current().pid());
        String map = read(Path.of(marks, "map-process"));
        if (self.equals(map)) {
            return "local " + count(records, 0);
        }
        if (!TaskMarks.make(Path.of(marks, "slow-" + self))) {
            int n = count(records, 0);
            write(Path.of(marks, "fast-done-" + self), "");
            return "fast " + n;
        }
        records.next();
        boolean waited = TaskMarks.await(Path.of(marks, "fast-done-" + self), Duration.ofSeconds(60));
        int n = count(records, 1);
        return "slow " + n + (waited ? " after the fast one ended" : " without the fast one ending");
    }

    private static int count(Iterator<Pair<Integer, byte[]>> records, int already) {
        int n = already;
        while (records.hasNext()) {
            assertThat(records.next().value()).hasSize(VALUE_BYTES);
            n++;
        }
        return n;
    }

    private static void write(Path path, String text) {
        try {
            Files.writeString(path, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
