package dev.spindle.scheduler.dag;

import dev.spindle.plan.ShuffleDependency;
import dev.spindle.shuffle.MapOutputTracker;
import java.util.List;

/** A stage that writes the map side of one shuffle; complete when every map output is registered. */
final class ShuffleMapStage extends Stage {
    private final ShuffleDependency<?, ?, ?> dependency;
    private final MapOutputTracker tracker;

    ShuffleMapStage(int id, ShuffleDependency<?, ?, ?> dependency, List<Stage> parents, int firstJobId,
            MapOutputTracker tracker) {
        super(id, dependency.parent(), parents, firstJobId);
        this.dependency = dependency;
        this.tracker = tracker;
    }

    ShuffleDependency<?, ?, ?> dependency() {
        return dependency;
    }

    boolean isAvailable() {
        return tracker.isComplete(dependency.shuffleId());
    }

    @Override
    List<Integer> missingPartitions() {
        return tracker.missingMapPartitions(dependency.shuffleId());
    }
}
