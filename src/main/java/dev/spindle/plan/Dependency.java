package dev.spindle.plan;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/** An edge of the lineage graph: a child node reads {@link #parent()}. */
public abstract class Dependency<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Node<T> parent;

    protected Dependency(Node<T> parent) {
        this.parent = requireNonNull(parent, "parent is null");
    }

    public Node<T> parent() {
        return parent;
    }
}
