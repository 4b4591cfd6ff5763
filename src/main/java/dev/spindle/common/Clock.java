package dev.spindle.common;

/** Time, injectable so that timeouts are testable without sleeping. */
public interface Clock {
    Clock SYSTEM = new Clock() {
        @Override
        public long millis() {
            return System.currentTimeMillis();
        }

        @Override
        public long nanos() {
            return System.nanoTime();
        }
    };

    /** Wall-clock milliseconds since the epoch. */
    long millis();

    /** Monotonic nanoseconds, for durations only. */
    long nanos();
}
