package dev.spindle.shuffle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.ExecutorId;
import org.junit.jupiter.api.Test;

class MapOutputTrackerTest {
    private static MapStatus on(String executor, String host, int mapPartition) {
        return on(executor, host, 7447, mapPartition);
    }

    private static MapStatus on(String executor, String host, int port, int mapPartition) {
        return new MapStatus(new ExecutorId(executor), host, port, mapPartition, mapPartition, new long[] {1});
    }

    @Test
    void anExecutorsLossForgetsItsOutputsOnly() {
        MapOutputTracker tracker = new MapOutputTracker();
        tracker.registerShuffle(0, 3);
        tracker.registerMapOutput(0, on("1", "node-a", 0));
        tracker.registerMapOutput(0, on("2", "node-a", 1));
        tracker.registerMapOutput(0, on("3", "node-b", 2));
        assertThat(tracker.removeOutputsOnExecutor(new ExecutorId("1"))).containsExactly(0);
        assertThat(tracker.missingMapPartitions(0)).containsExactly(0);
    }

    /** With the shuffle service, one failed fetch from a node's service loses every output that service served. */
    @Test
    void aLostServiceForgetsEveryOutputServedFromIt() {
        MapOutputTracker tracker = new MapOutputTracker();
        tracker.registerShuffle(0, 4);
        tracker.registerShuffle(1, 1);
        tracker.registerMapOutput(0, on("1", "node-a", 0));
        tracker.registerMapOutput(0, on("2", "node-a", 1));
        tracker.registerMapOutput(0, on("3", "node-b", 2));
        // Another NodeManager of the same host name (an embedded cluster) has a service of its own.
        tracker.registerMapOutput(0, on("4", "node-a", 7448, 3));
        tracker.registerMapOutput(1, on("2", "node-a", 0));
        assertThat(tracker.removeOutputsServedWith(new ExecutorId("1"))).containsExactlyInAnyOrder(0, 1);
        assertThat(tracker.missingMapPartitions(0)).containsExactly(0, 1);
        assertThat(tracker.missingMapPartitions(1)).containsExactly(0);
        assertThat(tracker.removeOutputsServedWith(new ExecutorId("9"))).as("an executor with no output").isEmpty();
    }

    @Test
    void theEpochGrowsWhenAnOutputIsForgottenOnly() {
        MapOutputTracker tracker = new MapOutputTracker();
        tracker.registerShuffle(0, 2);
        tracker.registerMapOutput(0, on("1", "node-a", 0));
        tracker.registerMapOutput(0, on("2", "node-b", 1));
        tracker.statuses(0);
        assertThat(tracker.epoch()).as("registering").isZero();
        tracker.removeOutputsOnExecutor(new ExecutorId("9"));
        assertThat(tracker.epoch()).as("nothing forgotten").isZero();
        tracker.removeOutputsOnExecutor(new ExecutorId("1"));
        assertThat(tracker.epoch()).isEqualTo(1);
        tracker.registerMapOutput(0, on("3", "node-b", 0));
        tracker.removeShuffleOutputsOnExecutor(0, new ExecutorId("3"));
        tracker.unregisterMapOutput(0, 1, null);
        tracker.unregisterShuffle(0);
        assertThat(tracker.epoch()).isEqualTo(4);
    }
}
