package dev.spindle.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Both ends of a connection apply the same rule to the same sequence, so they agree on what the executor keeps. */
class StageCodeWindowTest {
    @Test
    void theDriversAndTheExecutorsWindowsAgreeOnEveryKeyThroughEvictions() {
        StageCodeWindow driver = new StageCodeWindow();
        StageCodeWindow executor = new StageCodeWindow();
        Random random = new Random(42);
        int sent = 0;
        for (int task = 0; task < 5_000; task++) {
            // Stages come and go; some code is large, one piece is over the whole budget.
            int stage = random.nextInt(60);
            long key = StageCodeWindow.key(stage, random.nextInt(2));
            int size = stage == 7 ? (int) StageCodeWindow.MAX_BYTES + 1 : stage % 5 == 0 ? 9 << 20 : 1_000 + stage;
            if (!driver.contains(key)) {
                driver.add(key, size, null);
                executor.add(key, size, new byte[0]);
                sent++;
            }
            assertThat(executor.code(key) != null).as("task %d", task).isEqualTo(driver.contains(key));
        }
        assertThat(sent).as("code was kept, and evicted").isBetween(100, 4_999);
    }

    @Test
    void keepsAtMostItsEntriesAndBytesOldestOut() {
        StageCodeWindow window = new StageCodeWindow();
        List<Long> keys = new ArrayList<>();
        for (int stage = 0; stage <= StageCodeWindow.MAX_ENTRIES; stage++) {
            keys.add(StageCodeWindow.key(stage, 0));
            window.add(keys.get(stage), 10, new byte[10]);
        }
        assertThat(window.contains(keys.get(0))).as("the oldest, past the entries").isFalse();
        assertThat(window.contains(keys.get(1))).isTrue();
        window.add(StageCodeWindow.key(100, 0), (int) (StageCodeWindow.MAX_BYTES - 20), null);
        assertThat(window.contains(keys.get(1))).as("past the bytes").isFalse();
        assertThat(window.contains(keys.get(StageCodeWindow.MAX_ENTRIES))).isTrue();
        assertThat(StageCodeWindow.key(3, 1)).isNotEqualTo(StageCodeWindow.key(1, 3));
    }
}
