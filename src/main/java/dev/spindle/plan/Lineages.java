package dev.spindle.plan;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** Walks of a lineage graph. */
public final class Lineages {
    private Lineages() {
    }

    /** Every node of {@code root}'s lineage, {@code root} first, each once (depth first). */
    public static List<Node<?>> nodes(Node<?> root) {
        return nodes(root, node -> true);
    }

    /**
     * The nodes of {@code root}'s lineage, {@code root} first, each once (depth first), not going below a node for
     * which {@code descend} is false (that node itself is included).
     */
    public static List<Node<?>> nodes(Node<?> root, Predicate<Node<?>> descend) {
        List<Node<?>> nodes = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        ArrayDeque<Node<?>> toVisit = new ArrayDeque<>(List.of(root));
        while (!toVisit.isEmpty()) {
            Node<?> current = toVisit.pop();
            if (!seen.add(current.id())) {
                continue;
            }
            nodes.add(current);
            if (descend.test(current)) {
                for (Dependency<?> dependency : current.dependencies()) {
                    toVisit.push(dependency.parent());
                }
            }
        }
        return nodes;
    }
}
