package dev.spindle.api;

import dev.spindle.function.FlatMapFunction;
import dev.spindle.function.Function;
import dev.spindle.plan.NodeInfo;
import dev.spindle.plan.UserCodeException;
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
            /*
             * The iterator of the last input element; null before the first and after a null result. Not an empty
             * iterator as a placeholder: the call current.hasNext() would then see a second class once per task,
             * and the compiled loop that inlined it (the shuffle writer's, with the whole pipeline) would drop to
             * the interpreter at the start of every task until the JIT gave up on the call's type profile.
             */
            private Iterator<R> current;

            @Override
            public boolean hasNext() {
                while (current == null || !current.hasNext()) {
                    if (!input.hasNext()) {
                        return false;
                    }
                    try {
                        current = f.call(input.next());
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new UserCodeException(where, e);
                    }
                }
                return true;
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
