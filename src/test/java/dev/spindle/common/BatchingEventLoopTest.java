package dev.spindle.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What wakes the loop: a post always, a lazy post only a sleeping loop. With a nap of an hour the difference is
 * visible without timing anything: a lazy event posted during the nap runs only when an urgent one wakes the loop.
 * (The listener bus's tests cover order, failures and close through the lazy path.)
 */
class BatchingEventLoopTest {
    private static final long HOUR_NANOS = TimeUnit.HOURS.toNanos(1);

    @Test
    void aLazyEventWaitsOutTheNapAndAnUrgentOneEndsItRunningBothInOrder() throws InterruptedException {
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Thread> loopThread = new AtomicReference<>();
        try (BatchingEventLoop loop = new BatchingEventLoop("test-loop", HOUR_NANOS)) {
            CountDownLatch first = new CountDownLatch(1);
            loop.postLazily(() -> {
                loopThread.set(Thread.currentThread());
                ran.add("first");
                first.countDown();
            });
            // The loop slept, so the lazy post woke it; it ran the event and now naps for an hour.
            assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
            awaitState(loopThread.get(), Thread.State.TIMED_WAITING);
            loop.postLazily(() -> ran.add("lazy"));
            assertThat(loopThread.get().getState()).isEqualTo(Thread.State.TIMED_WAITING);
            assertThat(ran).containsExactly("first");
            CountDownLatch urgent = new CountDownLatch(1);
            loop.post(() -> {
                ran.add("urgent");
                urgent.countDown();
            });
            assertThat(urgent.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ran).containsExactly("first", "lazy", "urgent");
        }
    }

    @Test
    void closeRunsWhatWasPostedEvenDuringANapAndRefusesLaterPosts() throws InterruptedException {
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        BatchingEventLoop loop = new BatchingEventLoop("test-loop", HOUR_NANOS);
        CountDownLatch first = new CountDownLatch(1);
        loop.post(() -> {
            ran.add(0);
            first.countDown();
        });
        assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i <= 100; i++) {
            int n = i;
            loop.postLazily(() -> ran.add(n));
        }
        assertThat(loop.close(10_000)).isTrue();
        assertThat(ran).hasSize(101).isSorted();
        assertThat(loop.post(() -> ran.add(-1))).isFalse();
        assertThat(loop.postLazily(() -> ran.add(-1))).isFalse();
        assertThat(ran).hasSize(101);
    }

    @Test
    void anEventThatThrowsDoesNotStopTheLoop() throws InterruptedException {
        try (BatchingEventLoop loop = new BatchingEventLoop("test-loop", TimeUnit.MILLISECONDS.toNanos(1))) {
            CountDownLatch after = new CountDownLatch(1);
            loop.post(() -> {
                throw new IllegalStateException("event bug");
            });
            loop.post(after::countDown);
            assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void refusesANapThatIsNotPositive() {
        assertThatThrownBy(() -> new BatchingEventLoop("test-loop", 0)).hasMessageContaining("napNanos");
    }

    /** A post just before, at or after the moment the loop's nap ends and it decides to sleep must still wake it. */
    @Test
    void noPostIsLostAroundTheEndOfANap() throws InterruptedException {
        long nap = TimeUnit.MILLISECONDS.toNanos(1);
        Random random = new Random(42);
        try (BatchingEventLoop loop = new BatchingEventLoop("test-loop", nap)) {
            for (int round = 0; round < 2_000; round++) {
                CountDownLatch ran = new CountDownLatch(1);
                if (round % 2 == 0) {
                    loop.postLazily(ran::countDown);
                } else {
                    loop.post(ran::countDown);
                }
                assertThat(ran.await(10, TimeUnit.SECONDS)).as("event of round %d ran", round).isTrue();
                long until = System.nanoTime() + (long) (nap * (0.8 + 0.4 * random.nextDouble()));
                while (System.nanoTime() < until) {
                    Thread.onSpinWait(); // the next post lands near the end of the nap that follows this event
                }
            }
        }
    }

    /** Posts racing with close(): every post that returned true ran, and close() returned with all of them run. */
    @Test
    void everyAcceptedPostRunsWhenCloseRacesWithPosters() throws InterruptedException {
        for (int trial = 0; trial < 10; trial++) {
            BatchingEventLoop loop = new BatchingEventLoop("test-loop", TimeUnit.MILLISECONDS.toNanos(1));
            Set<Long> accepted = ConcurrentHashMap.newKeySet();
            Set<Long> ran = ConcurrentHashMap.newKeySet();
            AtomicLong ids = new AtomicLong();
            CountDownLatch someRan = new CountDownLatch(200);
            List<Thread> posters = new ArrayList<>();
            for (int p = 0; p < 3; p++) {
                boolean lazy = p % 2 == 0;
                Thread poster = new Thread(() -> {
                    for (int n = 0; n < 20_000; n++) { // close() comes after the first 200 have run
                        long id = ids.incrementAndGet();
                        Runnable event = () -> {
                            ran.add(id);
                            someRan.countDown();
                        };
                        if (!(lazy ? loop.postLazily(event) : loop.post(event))) {
                            return;
                        }
                        accepted.add(id);
                    }
                });
                poster.start();
                posters.add(poster);
            }
            assertThat(someRan.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(loop.close(10_000)).isTrue();
            for (Thread poster : posters) {
                poster.join(10_000);
                assertThat(poster.isAlive()).isFalse();
            }
            // Not AssertJ's containsAll: it compares each of tens of thousands of ids with every other (40 s).
            Set<Long> lost = new HashSet<>(accepted);
            lost.removeAll(ran);
            assertThat(lost).as("accepted posts that never ran, trial %d", trial).isEmpty();
        }
    }

    private static void awaitState(Thread thread, Thread.State state) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != state) {
            assertThat(System.nanoTime()).as("%s reaches %s", thread.getName(), state).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
