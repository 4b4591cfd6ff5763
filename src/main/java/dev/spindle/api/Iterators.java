package dev.spindle.api;

import dev.spindle.function.FlatMapFunction;
import dev.spindle.function.Function;
import dev.spindle.plan.NodeInfo;
import dev.spindle.plan.UserCodeException;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;

/** Lazy iterator adapters that apply user functions, wrapping their checked exceptions. */
final class Iterators {
    private Iterators() {
    }

    static <T, R> Iterator<R> map(Iterator<T> input, Function<T, R> f, NodeInfo where) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return input.hasNext();
            }

            @Override
            public R next() {
                return call(f, input.next(), where);
            }
        };
    }

    static <T> Iterator<T> filter(Iterator<T> input, Function<T, Boolean> predicate, NodeInfo where) {
        return new Iterator<>() {
            private T next;
            private boolean ready;

            @Override
            public boolean hasNext() {
                while (!ready && input.hasNext()) {
                    T candidate = input.next();
                    if (Boolean.TRUE.equals(call(predicate, candidate, where))) {
                        next = candidate;
                        ready = true;
                    }
                }
                return ready;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ready = false;
                T result = next;
                next = null;
                return result;
            }
        };
    }

    static <T, R> Iterator<R> flatMap(Iterator<T> input, FlatMapFunction<T, R> f, NodeInfo where) {
        return new Iterator<>() {
            private Iterator<R> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && input.hasNext()) {
                    Iterator<R> produced;
                    try {
                        produced = f.call(input.next());
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new UserCodeException(where, e);
                    }
                    current = produced == null ? Collections.emptyIterator() : produced;
                }
                return current.hasNext();
            }

            @Override
            public R next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    static <T, R> R call(Function<T, R> f, T value, NodeInfo where) {
        try {
            return f.call(value);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new UserCodeException(where, e);
        }
    }
}
