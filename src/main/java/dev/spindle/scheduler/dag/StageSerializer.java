package dev.spindle.scheduler.dag;

/** Serializes a stage's code and partitions; fails with a message naming what could not be serialized. */
public interface StageSerializer {
    /** A stage's code: one object graph, shared references kept. */
    byte[] serialize(Object value, String what);

    /** One task's partition: a small value, serialized once per task, so worth a compact form. */
    byte[] serializePartition(Object partition, String what);
}
