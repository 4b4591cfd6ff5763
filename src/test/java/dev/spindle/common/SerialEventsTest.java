package dev.spindle.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SerialEventsTest {
    private final List<RuntimeException> failures = new ArrayList<>();
    private final SerialEvents events = new SerialEvents(failures::add);

    @Test
    void anEventPostedWhileIdleRunsOnThePostingThread() {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        assertThat(events.post(() -> ranOn.set(Thread.currentThread()))).isTrue();
        assertThat(ranOn.get()).isSameAs(Thread.currentThread());
    }

    @Test
    void anEventPostedFromAnEventRunsAfterItNotInsideIt() {
        List<String> order = new ArrayList<>();
        events.post(() -> {
            order.add("outer start");
            events.post(() -> order.add("inner"));
            order.add("outer end");
        });
        assertThat(order).containsExactly("outer start", "outer end", "inner");
    }

    @Test
    void eventsFromManyThreadsNeverOverlapAndAllRun() throws InterruptedException {
        int threads = 4;
        int perThread = 20_000;
        int[] unguarded = {0};
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> posters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread poster = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    events.post(() -> {
                        if (inside.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        unguarded[0]++; // safe only if events never run concurrently
                        inside.decrementAndGet();
                    });
                }
            });
            poster.start();
            posters.add(poster);
        }
        start.countDown();
        for (Thread poster : posters) {
            poster.join(TimeUnit.SECONDS.toMillis(30));
        }
        AtomicInteger last = new AtomicInteger();
        events.post(() -> last.set(unguarded[0])); // runs after every queued event
        assertThat(overlaps.get()).isZero();
        assertThat(last.get()).isEqualTo(threads * perThread);
    }

    @Test
    void aFailingEventIsReportedAndTheNextOneStillRuns() {
        List<String> ran = new ArrayList<>();
        events.post(() -> {
            events.post(() -> ran.add("second"));
            throw new IllegalStateException("boom");
        });
        assertThat(failures).singleElement().satisfies(e -> assertThat(e).hasMessage("boom"));
        assertThat(ran).containsExactly("second");
    }

    @Test
    void closedEventsAreRefusedAndQueuedOnesDropped() {
        List<String> ran = new ArrayList<>();
        events.post(() -> {
            events.post(() -> ran.add("queued"));
            events.close();
        });
        assertThat(events.post(() -> ran.add("late"))).isFalse();
        assertThat(ran).isEmpty();
    }

    @Test
    void anErrorLeavesTheQueueUsableForTheNextPoster() {
        List<String> ran = new ArrayList<>();
        try {
            events.post(() -> {
                events.post(() -> ran.add("after the error"));
                throw new AssertionError("fatal");
            });
        } catch (AssertionError expected) {
            // propagates to the posting thread
        }
        events.post(() -> ran.add("next"));
        assertThat(ran).containsExactly("after the error", "next");
    }
}
