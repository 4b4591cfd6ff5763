package dev.spindle.scheduler.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Delivery order, wake-ups after quiet stretches, failing listeners, and what close() delivers and drops. */
class ListenerBusTest {
    private final ListenerBus bus = new ListenerBus();

    @AfterEach
    void close() {
        bus.close();
    }

    private static SchedulerEvent job(int id) {
        return new SchedulerEvent.JobStarted(0, id, "job " + id, List.of());
    }

    private static int jobId(SchedulerEvent event) {
        return ((SchedulerEvent.JobStarted) event).jobId();
    }

    /** Records the job ids it hears, in order, and the threads it heard them on. */
    private static final class Recorder implements SchedulerListener {
        final List<Integer> ids = Collections.synchronizedList(new ArrayList<>());
        final List<Thread> threads = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onEvent(SchedulerEvent event) {
            ids.add(jobId(event));
            threads.add(Thread.currentThread());
        }
    }

    @Test
    void deliversEveryEventInPostingOrderOnOneThreadOfItsOwn() throws InterruptedException {
        Recorder recorder = new Recorder();
        bus.addListener(recorder);
        List<Integer> posted = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            bus.post(job(i));
            posted.add(i);
        }
        assertThat(bus.awaitDelivered(10_000)).isTrue();
        assertThat(recorder.ids).isEqualTo(posted);
        assertThat(Set.copyOf(recorder.threads)).hasSize(1).doesNotContain(Thread.currentThread());
    }

    @Test
    void keepsEachPostersOrderWhenManyPostAtOnce() throws Exception {
        Recorder recorder = new Recorder();
        bus.addListener(recorder);
        int posters = 4;
        int each = 5_000;
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < posters; p++) {
            int poster = p;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    bus.post(job(poster * each + i));
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(bus.awaitDelivered(10_000)).isTrue();
        assertThat(recorder.ids).hasSize(posters * each);
        for (int p = 0; p < posters; p++) {
            int poster = p;
            List<Integer> mine = recorder.ids.stream().filter(id -> id / each == poster).toList();
            assertThat(mine).isSorted().hasSize(each);
        }
    }

    /**
     * The thread sleeps once a nap gathered nothing; a post must wake it whenever it comes, including in the instant
     * the thread decides to sleep. Each round waits for its own event: a lost wake-up leaves one undelivered.
     */
    @Test
    void wakesForAnEventPostedAfterAQuietStretch() throws InterruptedException {
        AtomicReference<CountDownLatch> heard = new AtomicReference<>();
        AtomicReference<Thread> delivering = new AtomicReference<>();
        bus.addListener(event -> {
            delivering.set(Thread.currentThread());
            heard.get().countDown();
        });
        for (int round = 0; round < 300; round++) {
            CountDownLatch latch = new CountDownLatch(1);
            heard.set(latch);
            bus.post(job(round));
            assertThat(latch.await(10, TimeUnit.SECONDS)).as("event of round %d delivered", round).isTrue();
            if (round % 3 == 0) {
                // The next post finds the thread asleep (parked without a deadline), not napping; the other rounds
                // post while it naps or as it goes to sleep.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (delivering.get().getState() != Thread.State.WAITING) {
                    assertThat(System.nanoTime()).as("the delivering thread sleeps").isLessThan(deadline);
                    Thread.onSpinWait();
                }
            }
        }
    }

    @Test
    void aListenerThatThrowsKeepsHearingAndOthersHearToo() throws InterruptedException {
        List<Integer> failing = Collections.synchronizedList(new ArrayList<>());
        Recorder other = new Recorder();
        bus.addListener(event -> {
            failing.add(jobId(event));
            throw new IllegalStateException("listener bug");
        });
        bus.addListener(other);
        for (int i = 0; i < 5; i++) {
            bus.post(job(i));
        }
        assertThat(bus.awaitDelivered(10_000)).isTrue();
        assertThat(failing).containsExactly(0, 1, 2, 3, 4);
        assertThat(other.ids).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void anInterruptFromAListenerDoesNotStopDelivery() throws InterruptedException {
        Recorder recorder = new Recorder();
        bus.addListener(event -> Thread.currentThread().interrupt());
        bus.addListener(recorder);
        for (int i = 0; i < 3; i++) {
            bus.post(job(i));
            assertThat(bus.awaitDelivered(10_000)).isTrue();
        }
        assertThat(recorder.ids).containsExactly(0, 1, 2);
    }

    @Test
    void aSynchronousListenerHearsOnThePostingThreadBeforePostReturns() {
        Recorder recorder = new Recorder();
        bus.addSynchronousListener(recorder);
        bus.post(job(7));
        assertThat(recorder.ids).containsExactly(7);
        assertThat(recorder.threads).containsExactly(Thread.currentThread());
    }

    @Test
    void closeDeliversWhatWasPostedBeforeAndDropsWhatComesAfter() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        Recorder recorder = new Recorder();
        bus.addListener(event -> {
            if (jobId(event) == 0) {
                awaitQuietly(release); // the first event holds the thread while the rest queue up
            }
        });
        bus.addListener(recorder);
        for (int i = 0; i < 100; i++) {
            bus.post(job(i));
        }
        Thread closer = new Thread(bus::close);
        closer.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (closer.getState() != Thread.State.TIMED_WAITING && closer.isAlive()) {
            assertThat(System.nanoTime()).as("close() waits for the delivering thread").isLessThan(deadline);
            Thread.onSpinWait(); // close() has marked the bus closed and waits for the delivering thread
        }
        release.countDown();
        closer.join(10_000);
        assertThat(closer.isAlive()).isFalse();
        assertThat(recorder.ids).hasSize(100);
        bus.post(job(100));
        assertThat(bus.awaitDelivered(100)).isFalse();
        assertThat(recorder.ids).hasSize(100);
    }

    @Test
    void aListenerMayCloseTheBusWithoutWaitingForItself() throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        bus.addListener(event -> {
            bus.close();
            closed.countDown();
        });
        bus.post(job(0));
        assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(bus.awaitDelivered(100)).isFalse();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
