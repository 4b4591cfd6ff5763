package dev.spindle.scheduler.dag;

import dev.spindle.common.TaskAttemptId;
import dev.spindle.plan.CommitArbiter;
import dev.spindle.scheduler.spi.SchedulerEvent;
import dev.spindle.scheduler.spi.SchedulerListener;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The driver's arbiter of task commits (Spark's output-commit coordinator). For each running stage attempt it
 * remembers, per partition, the one task attempt allowed to commit: the first to ask. Every other attempt of that
 * partition in that stage attempt is denied and discards its output, and so is a late attempt of a stage attempt
 * that a resubmission replaced. (An attempt allowed just before its stage attempt was replaced may still finish: the
 * job then commits the attempt whose result it took, see {@code io.OutputCommitter#commitJob}.)
 *
 * <p>It learns what runs from scheduler events, delivered synchronously by the listener bus (see {@link
 * dev.spindle.scheduler.spi.ListenerBus#addSynchronousListener}): a submitted stage attempt replaces the stage's
 * earlier attempt, whose late asks are then denied; a completed stage attempt is forgotten; an allowed attempt that
 * fails gives its partition back, so that another attempt may commit it, and an attempt that failed is never allowed
 * afterwards. Asks arrive on executor and RPC threads and are answered at once, and events on the scheduler threads
 * that post them: the state is guarded by this object's monitor, held only for map updates (nothing is called, not
 * even a logger, while it is held).
 */
public final class OutputCommitCoordinator implements CommitArbiter, SchedulerListener {
    private static final Logger LOG = LogManager.getLogger(OutputCommitCoordinator.class);

    /** The running attempt of one stage: who may commit each partition, and which attempts failed. */
    private static final class StageAttempt {
        final int attempt;
        final Map<Integer, Long> allowed = new HashMap<>();
        final Set<Long> failedTasks = new HashSet<>();

        StageAttempt(int attempt) {
            this.attempt = attempt;
        }
    }

    private final Map<Integer, StageAttempt> stages = new HashMap<>();
    private long granted;
    private long denied;

    @Override
    public void onEvent(SchedulerEvent event) {
        if (event instanceof SchedulerEvent.StageSubmitted submitted) {
            stageStarted(submitted.stageId(), submitted.attempt());
        } else if (event instanceof SchedulerEvent.StageCompleted completed) {
            stageEnded(completed.stageId(), completed.attempt());
        } else if (event instanceof SchedulerEvent.TaskEnded ended && ended.failure() != null) {
            attemptFailed(ended.stageId(), ended.stageAttempt(), ended.partition(), ended.taskId());
        }
    }

    synchronized void stageStarted(int stageId, int attempt) {
        stages.put(stageId, new StageAttempt(attempt));
    }

    synchronized void stageEnded(int stageId, int attempt) {
        StageAttempt stage = stages.get(stageId);
        if (stage != null && stage.attempt == attempt) {
            stages.remove(stageId);
        }
    }

    void attemptFailed(int stageId, int stageAttempt, int partition, long taskId) {
        boolean released;
        synchronized (this) {
            StageAttempt stage = stages.get(stageId);
            if (stage == null || stage.attempt != stageAttempt) {
                return;
            }
            stage.failedTasks.add(taskId);
            released = stage.allowed.remove(partition, taskId);
        }
        if (released) {
            LOG.info("Task {} (stage {}.{}, partition {}) was allowed to commit and failed; another attempt may "
                    + "commit the partition", taskId, stageId, stageAttempt, partition);
        }
    }

    @Override
    public boolean canCommit(TaskAttemptId attempt) {
        String refusal;
        synchronized (this) {
            refusal = refusal(attempt);
            if (refusal == null) {
                granted++;
            } else {
                denied++;
            }
        }
        if (refusal == null) {
            LOG.debug("{} may commit", attempt);
            return true;
        }
        LOG.info("Denied {} the commit of its output: {}", attempt, refusal);
        return false;
    }

    /** Why {@code attempt} may not commit; null when it may (and is now the partition's committer). */
    private String refusal(TaskAttemptId attempt) {
        StageAttempt stage = stages.get(attempt.stageId());
        if (stage == null || stage.attempt != attempt.stageAttempt()) {
            return "stage " + attempt.stageId() + "." + attempt.stageAttempt() + " is not running"
                    + (stage == null ? "" : " (attempt " + stage.attempt + " is)");
        }
        if (stage.failedTasks.contains(attempt.taskId())) {
            return "it was reported failed";
        }
        Long holder = stage.allowed.putIfAbsent(attempt.partition(), attempt.taskId());
        if (holder == null || holder == attempt.taskId()) {
            return null;
        }
        return "task " + holder + " was allowed to commit partition " + attempt.partition() + " first";
    }

    /** Commits allowed so far. */
    public synchronized long granted() {
        return granted;
    }

    /** Commits denied so far. */
    public synchronized long denied() {
        return denied;
    }

    /** Stage attempts tracked now: 0 when no stage runs (leak check for tests). */
    public synchronized int trackedStages() {
        return stages.size();
    }
}
