package dev.spindle.plan;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * A node of the lineage graph: a dataset's partitions, how to compute one of them from its parents,
 * and how it is persisted. The user-facing {@code Dataset} wraps a node. Nodes are serialized (with their
 * ancestors, but without their partition lists) into each stage's task binary.
 *
 * <p>Mutable state is limited to persistence and checkpointing, both set on the driver between jobs.
 */
public abstract class Node<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final NodeInfo info;
    private final List<Dependency<?>> dependencies;
    private transient volatile List<Partition> partitions;
    private volatile StorageLevel storageLevel = StorageLevel.NONE;
    private volatile boolean checkpointRequested;
    private volatile Node<T> checkpoint;

    protected Node(NodeInfo info, List<Dependency<?>> dependencies) {
        this.info = requireNonNull(info, "info is null");
        this.dependencies = List.copyOf(requireNonNull(dependencies, "dependencies is null"));
    }

    public final int id() {
        return info.id();
    }

    public final NodeInfo info() {
        return info;
    }

    /** The parents; empty once the node has been checkpointed (lineage truncated). */
    public final List<Dependency<?>> dependencies() {
        Node<T> cp = checkpoint;
        return cp != null ? cp.dependencies() : dependencies;
    }

    /** The partitions, computed once on the driver. */
    public final List<Partition> partitions() {
        Node<T> cp = checkpoint;
        if (cp != null) {
            return cp.partitions();
        }
        List<Partition> result = partitions;
        if (result == null) {
            synchronized (this) {
                result = partitions;
                if (result == null) {
                    result = List.copyOf(computePartitions());
                    for (int i = 0; i < result.size(); i++) {
                        if (result.get(i).index() != i) {
                            throw new IllegalStateException(info + ": partition " + i + " reports index "
                                    + result.get(i).index());
                        }
                    }
                    partitions = result;
                }
            }
        }
        return result;
    }

    public final int numPartitions() {
        return partitions().size();
    }

    /** Computes the partition list; called once, on the driver. */
    protected abstract List<Partition> computePartitions();

    /** Computes one partition from the parents. Called on executors through {@link #iterator}. */
    protected abstract Iterator<T> compute(Partition partition, TaskContext context);

    /**
     * What identifies this node's input beyond the lineage, for recovery's action fingerprints: for file sources,
     * each file's path, length and modification time; empty for nodes computed from their parents or from data
     * that travels with the lineage.
     */
    public List<String> inputSignature() {
        return List.of();
    }

    /**
     * The paths this node reads, as the program gave them (files, directories or globs, on any Hadoop file
     * system): a save refuses to write where it would overwrite its own input. Empty for nodes that read no files.
     */
    public List<String> inputPaths() {
        return List.of();
    }

    /** Hosts where computing {@code partition} is cheapest (the HDFS block's datanodes); empty: anywhere. */
    public List<String> preferredHosts(Partition partition) {
        Node<T> cp = checkpoint;
        return cp != null ? cp.preferredHosts(partition) : List.of();
    }

    /** How the elements are partitioned by key, when known (shuffle outputs, mapValues of them). */
    public Optional<Partitioner> partitioner() {
        return Optional.empty();
    }

    /** The elements of {@code partition}: from the cache, the checkpoint, or computed from lineage. */
    public final Iterator<T> iterator(Partition partition, TaskContext context) {
        StorageLevel level = storageLevel;
        if (level != StorageLevel.NONE) {
            return context.blocks().getOrCompute(id(), partition.index(), level,
                    () -> computeOrReadCheckpoint(partition, context), context);
        }
        return computeOrReadCheckpoint(partition, context);
    }

    private Iterator<T> computeOrReadCheckpoint(Partition partition, TaskContext context) {
        Node<T> cp = checkpoint;
        return cp != null ? cp.iterator(partition, context) : compute(partition, context);
    }

    public final StorageLevel storageLevel() {
        return storageLevel;
    }

    /** Sets the storage level; the caller (the API) rejects changing an already set level. */
    public final void setStorageLevel(StorageLevel level) {
        this.storageLevel = requireNonNull(level, "level is null");
    }

    public final boolean checkpointRequested() {
        return checkpointRequested && checkpoint == null;
    }

    public final void requestCheckpoint() {
        this.checkpointRequested = true;
    }

    /** Replaces this node's lineage by {@code written}, a node reading the checkpoint files. */
    public final void checkpointed(Node<T> written) {
        requireNonNull(written, "written is null");
        this.checkpoint = written;
        this.partitions = null;
    }

    public final boolean isCheckpointed() {
        return checkpoint != null;
    }

    /** The lineage as indented lines, one node each, shuffle boundaries marked with {@code +-}. */
    public final String toDebugString() {
        StringBuilder out = new StringBuilder();
        appendDebug(out, 0, "");
        return out.toString();
    }

    private void appendDebug(StringBuilder out, int depth, String marker) {
        out.append("  ".repeat(depth)).append(marker).append(this).append('\n');
        for (Dependency<?> dep : dependencies()) {
            dep.parent().appendDebug(out, dep instanceof ShuffleDependency ? depth + 1 : depth,
                    dep instanceof ShuffleDependency ? "+-" : "| ");
        }
    }

    @Override
    public String toString() {
        String persisted = storageLevel == StorageLevel.NONE ? "" : " [" + storageLevel + "]";
        String cp = checkpoint != null ? " [checkpointed]" : "";
        return "(" + (partitions == null && checkpoint == null ? "?" : numPartitions()) + ") #" + id() + " "
                + info + persisted + cp;
    }
}
