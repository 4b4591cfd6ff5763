package dev.spindle.api;

import java.io.Serializable;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A value that may be absent, for outer joins. Unlike {@code java.util.Optional} it is serializable,
 * so it can be shuffled, cached and collected.
 */
public final class Optional<T> implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Optional<?> EMPTY = new Optional<>(null);

    private final T value;

    private Optional(T value) {
        this.value = value;
    }

    public static <T> Optional<T> of(T value) {
        return new Optional<>(Objects.requireNonNull(value, "value is null; use Optional.empty()"));
    }

    @SuppressWarnings("unchecked")
    public static <T> Optional<T> empty() {
        return (Optional<T>) EMPTY;
    }

    public static <T> Optional<T> ofNullable(T value) {
        return value == null ? empty() : of(value);
    }

    public boolean isPresent() {
        return value != null;
    }

    public T get() {
        if (value == null) {
            throw new NoSuchElementException("Optional is empty; check isPresent() or use orElse()");
        }
        return value;
    }

    public T orElse(T other) {
        return value != null ? value : other;
    }

    private Object readResolve() {
        return value == null ? EMPTY : this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Optional<?> other && Objects.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(value);
    }

    @Override
    public String toString() {
        return value == null ? "Optional.empty" : "Optional[" + value + "]";
    }
}
