package dev.spindle.api;

import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import dev.spindle.driver.Driver;
import dev.spindle.plan.Dependency;
import dev.spindle.plan.Node;
import dev.spindle.plan.ResultFunction;
import dev.spindle.recovery.CheckpointFiles;
import dev.spindle.recovery.CheckpointNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;

/** Runs actions as jobs on the driver's DAG scheduler, and writes requested checkpoints after them. */
final class JobRunner {
    private final Driver driver;
    private final SpindleConf conf;
    private final String checkpointRunId = UUID.randomUUID().toString();

    JobRunner(Driver driver, SpindleConf conf) {
        this.driver = driver;
        this.conf = conf;
    }

    /** Runs {@code function} on every partition; results in partition order. */
    <T, U> List<U> runAll(Node<T> node, ResultFunction<T, U> function, String action) {
        return run(node, function, IntStream.range(0, node.numPartitions()).boxed().toList(), action);
    }

    /** Runs {@code function} on {@code partitions}; results in the order of {@code partitions}. */
    <T, U> List<U> run(Node<T> node, ResultFunction<T, U> function, List<Integer> partitions, String action) {
        List<U> results = runJob(node, function, partitions, action);
        checkpointRequested(node);
        return results;
    }

    /** One job, without the checkpoints it may make due. */
    @SuppressWarnings("unchecked")
    private <T, U> List<U> runJob(Node<T> node, ResultFunction<T, U> function, List<Integer> partitions,
            String action) {
        String description = action + " at " + CallSites.current();
        Object[] results = new Object[partitions.size()];
        try {
            driver.submitJob(node, function, partitions, (Integer index, U value) -> results[index] = value,
                    description).join();
        } catch (CompletionException e) {
            throw rethrow(e.getCause() != null ? e.getCause() : e);
        }
        return (List<U>) Arrays.asList(results);
    }

    /** The scheduler's exception, re-thrown on the caller's thread so that its stack shows the action's line. */
    private static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof SpindleException se) {
            return new SpindleException(se.code(), se.getMessage(), se);
        }
        return new SpindleException(dev.spindle.common.ErrorCode.INTERNAL, "job failed: " + cause, cause);
    }

    /** Writes every node in {@code node}'s lineage that asked for a checkpoint and has none yet. */
    private void checkpointRequested(Node<?> node) {
        List<Node<?>> marked = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        ArrayDeque<Node<?>> toVisit = new ArrayDeque<>(List.of(node));
        while (!toVisit.isEmpty()) {
            Node<?> current = toVisit.pop();
            if (!seen.add(current.id())) {
                continue;
            }
            if (current.checkpointRequested()) {
                marked.add(current);
            }
            for (Dependency<?> dep : current.dependencies()) {
                toVisit.push(dep.parent());
            }
        }
        for (Node<?> m : marked) {
            writeCheckpoint(m);
        }
    }

    private <T> void writeCheckpoint(Node<T> node) {
        String dir = checkpointDir();
        int nodeId = node.id();
        String serializer = driver.serializer().getClass().getName();
        runJob(node, (ctx, records) -> CheckpointFiles.writePartition(dir, nodeId, ctx.attemptId().partition(),
                records, serializer, ctx), IntStream.range(0, node.numPartitions()).boxed().toList(), "checkpoint");
        node.checkpointed(new CheckpointNode<>(node.info(), dir, nodeId, node.numPartitions(), node.partitioner(),
                serializer, conf));
    }

    String checkpointDir() {
        String root = conf.getOptional(SpindleConfig.CHECKPOINT_DIR).orElseThrow(
                () -> SpindleException.invalidArgument("checkpoint() needs a directory: set spindle.checkpoint.dir "
                        + "(for example hdfs:///user/me/checkpoints, or a local path in local mode)"));
        return root + "/" + checkpointRunId;
    }
}
