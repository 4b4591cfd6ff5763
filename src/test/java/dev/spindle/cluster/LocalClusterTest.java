package dev.spindle.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.api.Context;
import dev.spindle.common.Pair;
import dev.spindle.config.SpindleConf;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** local-cluster[2,1,512]: executor JVMs over RPC run the same programs as local mode, with the same answers. */
@Timeout(120)
class LocalClusterTest {
    private static Context ctx;

    @BeforeAll
    static void start() {
        ctx = new Context(SpindleConf.empty().with("spindle.master", "local-cluster[2,1,512]")
                .with("spindle.executor.heartbeatInterval", "500ms"));
    }

    @AfterAll
    static void stop() {
        if (ctx != null) {
            ctx.close();
        }
    }

    @Test
    void shuffleAcrossExecutors() {
        List<Integer> numbers = IntStream.range(0, 10_000).boxed().toList();
        Map<Integer, Long> counts = ctx.parallelize(numbers, 6).mapToPair(n -> Pair.of(n % 7, 1L))
                .reduceByKey(Long::sum, 3).collectAsMap();
        assertThat(counts).isEqualTo(numbers.stream().collect(Collectors.groupingBy(n -> n % 7, Collectors.counting())));
    }
}
