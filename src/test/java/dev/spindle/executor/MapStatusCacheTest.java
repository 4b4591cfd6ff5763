package dev.spindle.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.ExecutorId;
import dev.spindle.shuffle.FetchFailedException;
import dev.spindle.shuffle.MapStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MapStatusCacheTest {
    private final AtomicInteger requests = new AtomicInteger();
    private volatile boolean failing;

    private List<MapStatus> fromDriver(int shuffleId) {
        requests.incrementAndGet();
        if (failing) {
            throw new FetchFailedException(shuffleId, -1, "driver", "the driver is away", null);
        }
        return List.of(new MapStatus(new ExecutorId("1"), "host", 1, 0, requests.get(), new long[] {1}));
    }

    @Test
    void oneRequestPerShuffleUntilTheEpochChanges() {
        MapStatusCache cache = new MapStatusCache(this::fromDriver);
        cache.observe(0);
        List<MapStatus> first = cache.statuses(3);
        for (int task = 0; task < 50; task++) {
            cache.observe(0);
            assertThat(cache.statuses(3)).isSameAs(first);
        }
        cache.statuses(4);
        assertThat(requests).as("one per shuffle").hasValue(2);

        cache.observe(1); // an output was lost at the driver
        assertThat(cache.statuses(3)).isNotEqualTo(first);
        assertThat(requests).hasValue(3);
        cache.remove(3);
        cache.statuses(3);
        cache.clear(); // a new driver
        cache.statuses(3);
        assertThat(requests).hasValue(5);
    }

    @Test
    void aFailedRequestIsNotKept() {
        MapStatusCache cache = new MapStatusCache(this::fromDriver);
        failing = true;
        assertThatThrownBy(() -> cache.statuses(3)).isInstanceOf(FetchFailedException.class)
                .hasMessageContaining("the driver is away");
        failing = false;
        assertThat(cache.statuses(3)).hasSize(1);
        assertThat(requests).hasValue(2);
    }

    @Test
    void tasksAskingAtOnceShareOneRequest() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        MapStatusCache cache = new MapStatusCache(shuffleId -> {
            asked.countDown();
            try {
                answer.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return fromDriver(shuffleId);
        });
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<MapStatus>>> tasks = new ArrayList<>();
            tasks.add(threads.submit(() -> cache.statuses(7)));
            assertThat(asked.await(30, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 3; i++) {
                tasks.add(threads.submit(() -> cache.statuses(7)));
            }
            answer.countDown();
            for (Future<List<MapStatus>> task : tasks) {
                assertThat(task.get(30, TimeUnit.SECONDS)).hasSize(1);
            }
            assertThat(requests).hasValue(1);
        } finally {
            threads.shutdownNow();
        }
    }
}
