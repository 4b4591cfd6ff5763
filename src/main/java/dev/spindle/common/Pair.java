package dev.spindle.common;

import java.io.Serializable;

/** A key and a value: the element type of pair datasets and of shuffles. Either may be null. */
public record Pair<K, V>(K key, V value) implements Serializable {
    public static <K, V> Pair<K, V> of(K key, V value) {
        return new Pair<>(key, value);
    }

    @Override
    public String toString() {
        return "(" + key + "," + value + ")";
    }
}
