package dev.spindle.common;

/** A stage, numbered from 0 across the context; a resubmitted stage keeps its id and gets a new attempt. */
public record StageId(int id) implements java.io.Serializable {
    public StageId {
        SpindleException.checkArgument(id >= 0, "stage id %d is negative", id);
    }

    @Override
    public String toString() {
        return "stage " + id;
    }
}
