package dev.spindle.plan;

/** A partition that is nothing but its index (shuffle outputs, checkpoint files). */
public record IndexPartition(int index) implements Partition {
}
