package dev.spindle.scheduler.dag;

/** Serializes a stage's code and partitions; fails with a message naming what could not be serialized. */
public interface StageSerializer {
    /** A stage's code: one object graph, shared references kept. */
    byte[] serialize(Object value, String what);

    /**
     * One task's partition: a small value, serialized once per task, so worth a compact form. {@code what} names it
     * for a failure's message, and is asked for only then (a stage of 10,000 tasks builds no 10,000 strings).
     */
    byte[] serializePartition(Object partition, java.util.function.Supplier<String> what);
}
