package dev.spindle.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.config.SpindleConf;
import dev.spindle.scheduler.spi.SchedulerEvent;
import dev.spindle.common.Pair;
import java.io.Serial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a task's closure captures is the task's own, as in Spark: a captured mutable object is never shared by two
 * tasks, whatever the number of tasks per thread. Code that captures only immutable values is deserialized once per
 * thread and stage.
 */
@Timeout(120)
class ClosureCopiesTest {
    /** Deserializations of {@link Probe}: how many copies of a stage's code the executor made. */
    private static final AtomicInteger PROBES_READ = new AtomicInteger();

    /** An immutable value captured by a closure, that counts how often it is deserialized. */
    record Probe(int offset) implements java.io.Serializable {
        @Serial
        private Object readResolve() {
            PROBES_READ.incrementAndGet();
            return this;
        }
    }

    /** The case: a closure appends to a captured list; each of 20 partitions of 5 elements sees 5. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local[1]", "local[4]", "local-cluster[1,2,512]"})
    void aCapturedListIsEachTasksOwn(String master) {
        try (Context context = new Context(SpindleConf.empty().with("spindle.master", master))) {
            List<Integer> sizes = partitionSizesSeenThroughCapturedList(context, 20);
            assertThat(sizes).hasSize(20).containsOnly(5);
        }
    }

    @Test
    void theResultDoesNotDependOnHowManyTasksShareAThread() {
        List<Integer> onePerThread;
        List<Integer> fourPerThread;
        try (Context context = new Context(SpindleConf.empty().with("spindle.master", "local[4]"))) {
            onePerThread = partitionSizesSeenThroughCapturedList(context, 4);
        }
        try (Context context = new Context(SpindleConf.empty().with("spindle.master", "local[1]"))) {
            fourPerThread = partitionSizesSeenThroughCapturedList(context, 4);
        }
        assertThat(fourPerThread).isEqualTo(onePerThread).containsOnly(25);
    }

    private static List<Integer> partitionSizesSeenThroughCapturedList(Context context, int partitions) {
        List<Integer> captured = new ArrayList<>();
        return context.parallelize(IntStream.range(0, 100).boxed().toList(), partitions)
                .mapPartitions((Iterator<Integer> records) -> {
                    records.forEachRemaining(captured::add);
                    return List.of(captured.size()).iterator();
                })
                .collect();
    }

    @Test
    void immutableCapturesAreDeserializedOncePerThreadAndStage() {
        try (Context context = new Context(SpindleConf.empty().with("spindle.master", "local[1]"))) {
            Probe probe = new Probe(100);
            LongAccumulator sum = context.longAccumulator("sum");
            PROBES_READ.set(0);
            List<Integer> shifted = context.parallelize(List.of(1, 2, 3, 4, 5, 6), 3).map(x -> {
                sum.add(x);
                return x + probe.offset();
            }).collect();
            assertThat(shifted).containsExactly(101, 102, 103, 104, 105, 106);
            assertThat(PROBES_READ).as("one copy for the three tasks on the one thread").hasValue(1);
            assertThat(sum.value()).as("a reused accumulator counts each task once").isEqualTo(21L);
        }
    }

    @Test
    void mutableCapturesAreDeserializedPerTask() {
        try (Context context = new Context(SpindleConf.empty().with("spindle.master", "local[1]"))) {
            Probe probe = new Probe(100);
            int[] calls = {0};
            PROBES_READ.set(0);
            List<Integer> seen = context.parallelize(List.of(1, 2, 3, 4, 5, 6), 3)
                    .map(x -> ++calls[0] + probe.offset()).collect();
            assertThat(seen).as("the captured counter is each task's own").containsExactly(101, 102, 101, 102, 101, 102);
            assertThat(PROBES_READ).as("one copy per task").hasValue(3);
            assertThat(calls[0]).as("the driver's copy is never touched").isZero();
        }
    }

    @Test
    void disabledReuseDeserializesEvenImmutableCodePerTask() {
        try (Context context = new Context(SpindleConf.empty().with("spindle.master", "local[1]")
                .with("spindle.executor.reuseTaskCode", "false"))) {
            Probe probe = new Probe(100);
            PROBES_READ.set(0);
            assertThat(context.parallelize(List.of(1, 2, 3, 4, 5, 6), 3).map(x -> x + probe.offset()).collect())
                    .containsExactly(101, 102, 103, 104, 105, 106);
            assertThat(PROBES_READ).hasValue(3);
        }
    }

    /** Spindle's own operators (text input, combine, sort, join) capture nothing mutable: their stages reuse code. */
    @Test
    void builtInOperatorsKeepCodeReusable(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("words.txt");
        Files.write(input, IntStream.range(0, 3000).mapToObj(i -> "w" + (i % 7) + " x" + (i % 3)).toList());
        RecordedEvents events = new RecordedEvents();
        try (Context context = new Context(SpindleConf.empty().with("spindle.master", "local[1]"))) {
            events.listenTo(context);
            Probe probe = new Probe(1);
            PROBES_READ.set(0);
            PairDataset<String, Integer> counts = context.textFile(input.toString(), 6)
                    .flatMap(line -> List.of(line.split(" ")).iterator())
                    .mapToPair(word -> Pair.of(word, probe.offset()))
                    .reduceByKey(Integer::sum, 3);
            assertThat(counts.sortByKey(true, 2).collect()).hasSize(10).first().isEqualTo(Pair.of("w0", 429));
            assertThat(counts.join(counts.mapValues(v -> v + probe.offset())).collect()).hasSize(10);
        }
        long stages = events.stream().filter(e -> e instanceof SchedulerEvent.StageSubmitted).count();
        long tasks = events.stream().filter(e -> e instanceof SchedulerEvent.TaskEnded).count();
        assertThat(tasks).as("tasks").isGreaterThanOrEqualTo(3 * stages);
        assertThat(PROBES_READ.get()).as("one copy per stage that reaches the probe, not one per task (%d stages, %d "
                + "tasks)", stages, tasks).isPositive().isLessThanOrEqualTo((int) stages);
    }
}
