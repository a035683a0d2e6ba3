package io.liquidations.connect.binance.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RecordQueueTest {
    private final AtomicInteger roomSignals = new AtomicInteger();

    private RecordQueue<Integer> queue(int capacity) {
        return new RecordQueue<>(capacity, roomSignals::incrementAndGet);
    }

    private static List<Integer> drain(RecordQueue<Integer> queue, int batch) throws InterruptedException {
        List<Integer> all = new ArrayList<>();
        List<Integer> got;
        while (!(got = queue.poll(0, TimeUnit.MILLISECONDS, batch)).isEmpty()) {
            assertTrue(got.size() <= batch);
            all.addAll(got);
        }
        return all;
    }

    @Test
    void addReportsFullAtCapacityButNeverDrops() throws Exception {
        RecordQueue<Integer> queue = queue(5);
        for (int i = 0; i < 4; i++) {
            assertTrue(queue.add(i), "below capacity: " + i);
        }
        for (int i = 4; i < 10; i++) {
            assertFalse(queue.add(i), "at or over capacity: " + i);
        }
        assertEquals(10, queue.size());
        assertEquals(5, queue.capacity());
        assertEquals(IntStream.range(0, 10).boxed().toList(), drain(queue, 3));
        assertEquals(0, queue.size());
    }

    @Test
    void capacityOfOne() throws Exception {
        RecordQueue<Integer> queue = queue(1);
        assertFalse(queue.add(1));
        assertEquals(List.of(1), queue.poll(0, TimeUnit.MILLISECONDS, 10));
        assertEquals(1, roomSignals.get());
        assertThrows(IllegalArgumentException.class, () -> queue(0));
    }

    @Test
    void pollReturnsEmptyWhenNothingArrives() throws Exception {
        RecordQueue<Integer> queue = queue(10);
        assertTrue(queue.poll(50, TimeUnit.MILLISECONDS, 10).isEmpty());
        assertTrue(queue.poll(0, TimeUnit.MILLISECONDS, 10).isEmpty());
        assertEquals(0, roomSignals.get());
    }

    @Test
    void pollWakesUpWhenAnItemIsAddedFromAnotherThread() throws Exception {
        RecordQueue<Integer> queue = queue(10);
        CountDownLatch polling = new CountDownLatch(1);
        Thread producer = new Thread(() -> {
            try {
                polling.await();
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            queue.add(42);
        });
        producer.start();
        polling.countDown();
        // Waits up to a minute, but must return as soon as the item arrives (the class timeout is 10 s).
        List<Integer> batch = queue.poll(60, TimeUnit.SECONDS, 10);
        assertEquals(List.of(42), batch);
        producer.join();
    }

    @Test
    void pollReturnsImmediatelyWhatIsThere() throws Exception {
        RecordQueue<Integer> queue = queue(10);
        queue.add(7);
        assertEquals(List.of(7), queue.poll(60, TimeUnit.SECONDS, 10));
    }

    @Test
    void batchLimitIsRespected() throws Exception {
        RecordQueue<Integer> queue = queue(100);
        for (int i = 0; i < 25; i++) {
            queue.add(i);
        }
        assertEquals(IntStream.range(0, 10).boxed().toList(), queue.poll(0, TimeUnit.MILLISECONDS, 10));
        assertEquals(IntStream.range(10, 20).boxed().toList(), queue.poll(0, TimeUnit.MILLISECONDS, 10));
        assertEquals(IntStream.range(20, 25).boxed().toList(), queue.poll(0, TimeUnit.MILLISECONDS, 10));
        assertEquals(List.of(), queue.poll(0, TimeUnit.MILLISECONDS, 10));
    }

    @Test
    void onRoomRunsOnceAfterDrainingBelowHalfOfAFullQueue() throws Exception {
        RecordQueue<Integer> queue = queue(10);
        for (int i = 0; i < 10; i++) {
            queue.add(i);
        }
        // 10 -> 6 -> 5: not below half yet.
        queue.poll(0, TimeUnit.MILLISECONDS, 4);
        queue.poll(0, TimeUnit.MILLISECONDS, 1);
        assertEquals(5, queue.size());
        assertEquals(0, roomSignals.get());
        // 5 -> 4: below half.
        queue.poll(0, TimeUnit.MILLISECONDS, 1);
        assertEquals(1, roomSignals.get());
        // Draining further, or polling an empty queue, signals nothing more.
        queue.poll(0, TimeUnit.MILLISECONDS, 10);
        queue.poll(0, TimeUnit.MILLISECONDS, 10);
        assertEquals(1, roomSignals.get());
        // Filling up again arms it again.
        for (int i = 0; i < 10; i++) {
            queue.add(i);
        }
        queue.poll(0, TimeUnit.MILLISECONDS, 100);
        assertEquals(2, roomSignals.get());
    }

    @Test
    void onRoomDoesNotRunWhenTheQueueWasNeverFull() throws Exception {
        RecordQueue<Integer> queue = queue(10);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 9; i++) {
                assertTrue(queue.add(i));
            }
            assertEquals(9, drain(queue, 2).size());
        }
        assertEquals(0, roomSignals.get());
    }

    @Test
    void onRoomRunsOnThePollingThreadAndMayAddAgain() throws Exception {
        List<Thread> signalled = new ArrayList<>();
        RecordQueue<Integer>[] holder = new RecordQueue[1];
        holder[0] = new RecordQueue<>(2, () -> {
            signalled.add(Thread.currentThread());
            // A callback that adds (as resumed reading may, synchronously) must not deadlock or be lost.
            holder[0].add(99);
        });
        holder[0].add(1);
        holder[0].add(2);
        assertEquals(List.of(1, 2), holder[0].poll(0, TimeUnit.MILLISECONDS, 10));
        assertEquals(List.of(Thread.currentThread()), signalled);
        assertEquals(List.of(99), holder[0].poll(0, TimeUnit.MILLISECONDS, 10));
    }

    @Test
    void concurrentProducersLoseNothing() throws Exception {
        RecordQueue<Integer> queue = queue(16);
        int producers = 4;
        int perProducer = 2_000;
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            Thread t = new Thread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    queue.add(base + i);
                }
            });
            threads.add(t);
            t.start();
        }
        List<Integer> received = new ArrayList<>();
        while (received.size() < producers * perProducer) {
            received.addAll(queue.poll(1, TimeUnit.SECONDS, 100));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(producers * perProducer, received.size());
        assertEquals(IntStream.range(0, producers * perProducer).boxed().toList(),
                received.stream().sorted().toList());
        // Each producer's own items stay in order.
        for (int p = 0; p < producers; p++) {
            int lo = p * perProducer;
            int hi = lo + perProducer;
            List<Integer> mine = received.stream().filter(x -> x >= lo && x < hi).toList();
            assertEquals(IntStream.range(lo, hi).boxed().toList(), mine);
        }
    }
}
