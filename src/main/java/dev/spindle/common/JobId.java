package dev.spindle.common;

/** A job: one action of one context, numbered from 0. */
public record JobId(int id) implements java.io.Serializable {
    public JobId {
        SpindleException.checkArgument(id >= 0, "job id %d is negative", id);
    }

    @Override
    public String toString() {
        return "job " + id;
    }
}
