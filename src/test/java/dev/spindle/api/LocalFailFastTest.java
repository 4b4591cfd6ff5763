package dev.spindle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.config.SpindleConf;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A deterministic bug in local mode fails at once, as in Spark; local[N,F] gives a task F attempts. */
@Timeout(60)
class LocalFailFastTest {
    private static final AtomicInteger RUNS = new AtomicInteger();

    private static long countFailingOnce(String master) {
        RUNS.set(0);
        try (Context ctx = new Context(SpindleConf.empty().with("spindle.master", master))) {
            return ctx.parallelize(List.of(1, 2, 3), 1).mapPartitions(records -> {
                if (RUNS.getAndIncrement() == 0) { // tasks run in this JVM: the first attempt fails
                    throw new IllegalStateException("first attempt fails");
                }
                return records;
            }).count();
        }
    }

    @Test
    void aTaskIsTriedOnceInLocalMode() {
        assertThatThrownBy(() -> countFailingOnce("local[2]")).hasMessageContaining("failed 1 times")
                .hasMessageContaining("local mode tries a task once; use local[N,F] for F attempts")
                .hasMessageContaining("first attempt fails");
        assertThat(RUNS.get()).isEqualTo(1);
    }

    @Test
    void localNFGivesEachTaskFAttempts() {
        assertThat(countFailingOnce("local[2,2]")).isEqualTo(3);
        assertThat(RUNS.get()).isEqualTo(2);
    }
}
