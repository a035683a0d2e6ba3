package io.liquidations.connect.binance.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CPU time per thread, from the JVM's ThreadMXBean: a snapshot now, and what threads matching a name used between
 * two snapshots. Threads that started after the first snapshot count from zero; threads that ended between the two
 * are missed, which is why the harnesses take snapshots while the threads they attribute to are running.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final Map<Long, String> names = new HashMap<>();
    private final Map<Long, Long> cpuNanos = new HashMap<>();
    private final long wallNanos = System.nanoTime();
    private final long processCpuNanos = processCpuNanos();

    private ThreadCpu() {
    }

    static ThreadCpu snapshot() {
        ThreadCpu snapshot = new ThreadCpu();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = THREADS.getThreadCpuTime(info.getThreadId());
            if (cpu >= 0) {
                snapshot.names.put(info.getThreadId(), info.getThreadName());
                snapshot.cpuNanos.put(info.getThreadId(), cpu);
            }
        }
        return snapshot;
    }

    /** CPU nanoseconds used since {@code before} by threads whose name matches. */
    long cpuSince(ThreadCpu before, Predicate<String> name) {
        long total = 0;
        for (Map.Entry<Long, Long> e : cpuNanos.entrySet()) {
            if (name.test(names.get(e.getKey()))) {
                total += e.getValue() - before.cpuNanos.getOrDefault(e.getKey(), 0L);
            }
        }
        return total;
    }

    long wallSince(ThreadCpu before) {
        return wallNanos - before.wallNanos;
    }

    long processCpuSince(ThreadCpu before) {
        return processCpuNanos - before.processCpuNanos;
    }

    int count(Predicate<String> name) {
        return (int) names.values().stream().filter(name).count();
    }

    static Predicate<String> connectorIo() {
        return n -> n.startsWith("binance-liquidations-io");
    }

    static Predicate<String> taskThreads(String connector) {
        return n -> n.startsWith("task-thread-" + connector + "-");
    }

    static Predicate<String> producerIo(String clientIdPrefix) {
        return n -> n.startsWith("kafka-producer-network-thread | " + clientIdPrefix);
    }

    static Predicate<String> exchange() {
        return n -> n.startsWith("bench-exchange");
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
