package dev.spindle.plan;

import java.io.Serializable;

/**
 * One slice of a dataset. A task computes exactly one partition; the object travels with the task,
 * so a source's partition carries what it needs to read (a file split, a slice of a list).
 */
public interface Partition extends Serializable {
    /** Position of this partition in its node's partition list. */
    int index();
}
