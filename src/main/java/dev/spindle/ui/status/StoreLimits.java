package dev.spindle.ui.status;

import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;

/**
 * How much finished work the {@link AppStatusStore} remembers, so that its memory stays bounded in a long
 * application: finished jobs, finished stage attempts, and task attempts per stage attempt.
 */
public record StoreLimits(int retainedJobs, int retainedStages, int retainedTasks) {
    public StoreLimits {
        SpindleException.checkArgument(retainedJobs > 0, "retainedJobs=%d must be positive", retainedJobs);
        SpindleException.checkArgument(retainedStages > 0, "retainedStages=%d must be positive", retainedStages);
        SpindleException.checkArgument(retainedTasks > 0, "retainedTasks=%d must be positive", retainedTasks);
    }

    /** {@code spindle.ui.retainedJobs}, {@code spindle.ui.retainedStages} and {@code spindle.ui.retainedTasks}. */
    public static StoreLimits from(SpindleConf conf) {
        return new StoreLimits(conf.get(SpindleConfig.UI_RETAINED_JOBS), conf.get(SpindleConfig.UI_RETAINED_STAGES),
                conf.get(SpindleConfig.UI_RETAINED_TASKS));
    }
}
