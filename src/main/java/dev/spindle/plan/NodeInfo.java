package dev.spindle.plan;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * Identity of a lineage node: its context-wide id, the operation that made it ({@code map},
 * {@code textFile}, ...) and the user's call site ({@code WordCount.java:42}), for logs, the UI and errors.
 */
public record NodeInfo(int id, String operation, String callSite) implements Serializable {
    public NodeInfo {
        requireNonNull(operation, "operation is null");
        requireNonNull(callSite, "callSite is null");
    }

    @Override
    public String toString() {
        return operation + " at " + callSite;
    }
}
