package dev.spindle.api;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import dev.spindle.driver.Driver;
import dev.spindle.plan.Accumulator;
import dev.spindle.plan.Lineages;
import dev.spindle.plan.Node;
import dev.spindle.plan.ResultFunction;
import dev.spindle.recovery.ActionJournal;
import dev.spindle.recovery.CheckpointFiles;
import dev.spindle.recovery.CheckpointNode;
import dev.spindle.recovery.RecoveryRecord;
import dev.spindle.serde.RecordInput;
import dev.spindle.serde.RecordOutput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;

/**
 * Runs actions as jobs on the driver's DAG scheduler, and writes requested checkpoints after them. Every job
 * takes a slot in the driver's {@link ActionJournal}: after an ApplicationMaster restart, one that an earlier
 * attempt completed returns its logged result (and accumulator values) without running a task.
 */
final class JobRunner {
    private static final org.apache.logging.log4j.Logger LOG = org.apache.logging.log4j.LogManager.getLogger(
            JobRunner.class);

    private final Driver driver;
    private final SpindleConf conf;

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
        String description = action + " at " + CallSites.current();
        ActionJournal.Slot slot = begin(action, description, node, function, new ArrayList<>(partitions));
        Optional<byte[]> logged = slot.replayResult();
        List<U> results;
        if (logged.isPresent()) {
            results = replay(logged.get());
        } else {
            results = runJob(node, function, partitions, description);
            journal(slot, results);
        }
        checkpointRequested(node);
        return results;
    }

    /**
     * Runs the job of a save action, whose slot {@link Saving} holds; then the checkpoints it made due. Returns the
     * results in partition order.
     */
    <T, U> List<U> runOutputJob(Node<T> node, ResultFunction<T, U> function, String action) {
        List<U> results = runJob(node, function, IntStream.range(0, node.numPartitions()).boxed().toList(),
                action + " at " + CallSites.current());
        checkpointRequested(node);
        return results;
    }

    ActionJournal journal() {
        return driver.journal();
    }

    /**
     * The journal slot of the next action, computing {@code node}. Partitions that executors of an earlier attempt
     * kept cached are taken into use when the action that first used their dataset is the same as then, and
     * dropped otherwise, before any task of this action can read them.
     */
    ActionJournal.Slot begin(String kind, String description, Node<?> node, Object... parts) {
        ActionJournal.Slot slot = driver.journal().begin(kind, description, driver.broadcasts()::fetch, node, parts);
        Set<Integer> returned = driver.cacheLocations().returnedNodes();
        if (driver.journal().recording() || !returned.isEmpty()) {
            driver.journal().firstUses(slot, persistedIn(node)).forEach((nodeId, same) -> {
                if (returned.contains(nodeId)) {
                    if (same) {
                        LOG.info("{}: uses the partitions of dataset {} that executors kept cached from an earlier "
                                + "attempt", slot, nodeId);
                        driver.cacheLocations().confirmReturned(nodeId);
                    } else {
                        LOG.info("{}: dataset {} is not the one executors kept cached from an earlier attempt; "
                                + "they drop it", slot, nodeId);
                        driver.removeCachedNode(nodeId);
                    }
                }
            });
        }
        return slot;
    }

    /** The persisted datasets in {@code node}'s lineage. */
    private static List<Integer> persistedIn(Node<?> node) {
        return Lineages.nodes(node).stream().filter(n -> n.storageLevel() != dev.spindle.plan.StorageLevel.NONE)
                .map(Node::id).toList();
    }

    /** One job, without the checkpoints it may make due. */
    @SuppressWarnings("unchecked")
    private <T, U> List<U> runJob(Node<T> node, ResultFunction<T, U> function, List<Integer> partitions,
            String description) {
        Object[] results = new Object[partitions.size()];
        try {
            driver.submitJob(node, function, partitions, (Integer index, U value) -> results[index] = value,
                    description).join();
        } catch (CompletionException e) {
            throw rethrow(e.getCause() != null ? e.getCause() : e);
        }
        return (List<U>) Arrays.asList(results);
    }

    /**
     * Journals a completed action: the accumulators' values after it, then its results, unless they pass
     * {@code spindle.recovery.maxResultBytes} (serialization stops there) or cannot be serialized; then the journal
     * notes that the action completed without them, and a later attempt runs it again.
     */
    private void journal(ActionJournal.Slot slot, List<?> results) {
        ActionJournal journal = driver.journal();
        if (!journal.recording()) {
            return;
        }
        BoundedBuffer buffer = new BoundedBuffer(journal.maxResultBytes());
        try {
            DataOutputStream data = new DataOutputStream(buffer);
            byte[] accumulators = driver.closures().serializeValue(new ArrayList<>(driver.accumulators().all()),
                    "accumulators");
            data.writeInt(accumulators.length);
            data.write(accumulators);
            try (RecordOutput records = driver.serializer().newOutput(data)) {
                for (Object result : results) {
                    records.write(result);
                }
            }
            slot.completed(buffer.toByteArray());
        } catch (IOException | RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof BoundedBuffer.Full full) {
                    slot.completedUnlogged(full.getMessage());
                    return;
                }
            }
            LOG.warn("{} completed, but its result cannot be journaled for recovery: {}", slot, e.toString());
            slot.completedUnlogged("its result could not be serialized: " + e);
        }
    }

    @SuppressWarnings("unchecked")
    private <U> List<U> replay(byte[] logged) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(logged))) {
            byte[] accumulators = new byte[in.readInt()];
            in.readFully(accumulators);
            List<U> results = new ArrayList<>();
            try (RecordInput records = driver.serializer().newInput(in, driver.classLoader())) {
                for (Object value = records.read(); value != RecordInput.END; value = records.read()) {
                    results.add((U) value);
                }
            }
            driver.accumulators().restore((List<Accumulator<?, ?>>) driver.closures().deserialize(accumulators,
                    driver.classLoader()));
            return results;
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.INTERNAL, "cannot read an action result from the event log: " + e,
                    e);
        }
    }

    /** Bytes up to a limit; past it, writing throws {@link Full}. */
    private static final class BoundedBuffer extends ByteArrayOutputStream {
        /** The limit was passed: the result is not journaled. */
        static final class Full extends IOException {
            private static final long serialVersionUID = 1L;

            Full(long limit) {
                super("its result passes spindle.recovery.maxResultBytes=" + limit + " bytes");
            }
        }

        private final long limit;

        BoundedBuffer(long limit) {
            this.limit = limit;
        }

        @Override
        public void write(int b) {
            check(1);
            super.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            check(len);
            super.write(b, off, len);
        }

        private void check(int more) {
            if (count + (long) more > limit) {
                throw new java.io.UncheckedIOException(new Full(limit));
            }
        }
    }

    /**
     * The scheduler's exception, re-thrown on the caller's thread so that its stack shows the action's line; its
     * cause is the task's own exception when there is one (so {@code getCause()} finds the user's type).
     */
    private static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof SpindleException se) {
            SpindleException thrown = new SpindleException(se.code(), se.getMessage(),
                    se.getCause() != null ? se.getCause() : se);
            if (se.getCause() != null) {
                thrown.addSuppressed(se); // where the scheduler failed the job, for the curious
            }
            return thrown;
        }
        return new SpindleException(ErrorCode.INTERNAL, "job failed: " + cause, cause);
    }

    /** Writes every node in {@code node}'s lineage that asked for a checkpoint and has none yet. */
    private void checkpointRequested(Node<?> node) {
        for (Node<?> marked : Lineages.nodes(node).stream().filter(Node::checkpointRequested).toList()) {
            writeCheckpoint(marked);
        }
    }

    private <T> void writeCheckpoint(Node<T> node) {
        String dir = checkpointDir();
        int nodeId = node.id();
        String serializer = driver.serializer().getClass().getName();
        ActionJournal.Slot slot = begin("checkpoint", "checkpoint of " + node.info(), node, dir);
        Optional<RecoveryRecord.CheckpointWritten> written = slot.replayCheckpoint();
        if (written.isPresent() && CheckpointFiles.complete(dir, nodeId, node.numPartitions(), conf)) {
            slot.replayedCheckpoint(written.get());
        } else {
            if (written.isPresent()) {
                slot.runs("its checkpoint files under " + dir + " are incomplete");
            }
            runJob(node, (ctx, records) -> CheckpointFiles.writePartition(dir, nodeId, ctx.attemptId().partition(),
                    records, serializer, ctx), IntStream.range(0, node.numPartitions()).boxed().toList(),
                    "checkpoint at " + CallSites.current());
            slot.checkpointWritten(nodeId, dir, node.numPartitions());
        }
        node.checkpointed(new CheckpointNode<>(node.info(), dir, nodeId, node.numPartitions(), node.partitioner(),
                serializer, conf));
    }

    /**
     * {@code spindle.checkpoint.dir/<application id>}: one directory per application, so that a later
     * ApplicationMaster attempt finds the checkpoints of an earlier one.
     */
    String checkpointDir() {
        String root = conf.getOptional(SpindleConfig.CHECKPOINT_DIR).orElseThrow(
                () -> SpindleException.invalidArgument("checkpoint() needs a directory: set spindle.checkpoint.dir "
                        + "(for example hdfs:///user/me/checkpoints, or a local path in local mode)"));
        driver.checkpointRootUsed(root);
        return root + "/" + driver.applicationId();
    }
}
