package dev.spindle.yarn.am;

import dev.spindle.scheduler.spi.SchedulerEvent;
import dev.spindle.scheduler.spi.SchedulerListener;

/**
 * The application's progress as the ResourceManager shows it: tasks finished over tasks submitted so far (stage
 * attempts included), never 100% before the ApplicationMaster unregisters. Later jobs add tasks, so it can go down.
 */
final class JobProgress implements SchedulerListener {
    private static final float BEFORE_ANY_STAGE = 0.01f;
    private static final float MAX_RUNNING = 0.99f;
    private long submitted;
    private long finished;

    @Override
    public synchronized void onEvent(SchedulerEvent event) {
        if (event instanceof SchedulerEvent.StageSubmitted stage) {
            submitted += stage.numTasks();
        } else if (event instanceof SchedulerEvent.TaskEnded task && task.failure() == null) {
            finished++;
        }
    }

    synchronized float progress() {
        return submitted == 0 ? BEFORE_ANY_STAGE : Math.min(MAX_RUNNING, (float) finished / submitted);
    }
}
