package io.liquidations.connect.binance.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a flight recording of a benchmark run per thread group (the connector's event loop, the task thread,
 * the task's producer I/O thread, the generator, the rest): CPU samples by method, self and inclusive, and the
 * sampled allocations by allocating method. What docs/BENCHMARKS.md's profile findings are read from.
 */
public final class JfrHotMethods {
    private static final int TOP = 30;
    private static final int TOP_INCLUSIVE = 90;

    private JfrHotMethods() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, Map<String, Long>> self = new LinkedHashMap<>();
        Map<String, Map<String, Long>> inclusive = new LinkedHashMap<>();
        Map<String, Map<String, Long>> allocation = new LinkedHashMap<>();
        Map<String, Long> samples = new HashMap<>();
        List<RecordedEvent> events = RecordingFile.readAllEvents(Path.of(args[0]));
        // Connect renames its pool threads to task-thread-<connector>-<n> after JFR has noted their names: a task
        // thread is told by what it runs instead.
        Map<Long, String> taskThreads = new HashMap<>();
        for (RecordedEvent event : events) {
            if (event.getEventType().getName().equals("jdk.ExecutionSample") && event.getStackTrace() != null) {
                for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                    // poll() runs on the task thread only (commitRecord runs on the producer's I/O thread).
                    String type = frame.getMethod().getType().getName();
                    boolean poll = frame.getMethod().getName().equals("poll");
                    String task = !poll ? null
                            : type.equals("io.liquidations.connect.binance.BinanceLiquidationSourceTask")
                                    ? "connector task thread"
                                    : type.startsWith("io.liquidations.connect.binance.bench.PrebuiltRecordsConnector")
                                            ? "do-nothing task thread" : null;
                    if (task != null) {
                        taskThreads.merge(event.getThread("sampledThread").getJavaThreadId(), task,
                                (a, b) -> a.equals(b) ? a : "task threads of both");
                    }
                }
            }
        }
        for (RecordedEvent event : events) {
            String type = event.getEventType().getName();
            boolean cpu = type.equals("jdk.ExecutionSample");
            boolean alloc = type.equals("jdk.ObjectAllocationSample");
            if (!cpu && !alloc) {
                continue;
            }
            RecordedThread thread = event.getThread(cpu ? "sampledThread" : "eventThread");
            RecordedStackTrace stack = event.getStackTrace();
            if (thread == null || stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            String group = taskThreads.getOrDefault(thread.getJavaThreadId(), group(thread.getJavaName()));
            List<RecordedFrame> frames = stack.getFrames();
            if (cpu) {
                samples.merge(group, 1L, Long::sum);
                self.computeIfAbsent(group, g -> new HashMap<>()).merge(method(frames.get(0)), 1L, Long::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame frame : frames) {
                    String m = method(frame);
                    if (seen.add(m)) {
                        inclusive.computeIfAbsent(group, g -> new HashMap<>()).merge(m, 1L, Long::sum);
                    }
                }
            } else {
                String where = method(frames.get(0)) + " <- " + (frames.size() > 1 ? method(frames.get(1)) : "");
                allocation.computeIfAbsent(group, g -> new HashMap<>())
                        .merge(where + "  [" + event.getClass("objectClass").getName() + "]",
                                event.getLong("weight"), Long::sum);
            }
        }
        for (String group : samples.keySet().stream().sorted().toList()) {
            long total = samples.get(group);
            System.out.printf("%n=== %s: %d CPU samples%n-- self --%n", group, total);
            print(self.get(group), total, "samples");
            System.out.println("-- inclusive --");
            print(inclusive.get(group), total, "samples", TOP_INCLUSIVE);
            if (allocation.containsKey(group)) {
                long bytes = allocation.get(group).values().stream().mapToLong(Long::longValue).sum();
                System.out.printf("-- allocation (sampled weight, %d MiB total) --%n", bytes >> 20);
                print(allocation.get(group), bytes, "bytes");
            }
        }
    }

    private static void print(Map<String, Long> counts, long total, String unit) {
        print(counts, total, unit, TOP);
    }

    private static void print(Map<String, Long> counts, long total, String unit, int top) {
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(e -> System.out.printf("%6.1f %%  %12d %s  %s%n", 100.0 * e.getValue() / total, e.getValue(),
                        unit, e.getKey()));
    }

    private static String method(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static String group(String thread) {
        if (thread == null) {
            return "other";
        }
        if (thread.startsWith("binance-liquidations-io")) {
            return "connector event loop";
        }
        if (thread.startsWith("task-thread-bench-e2e-")) {
            return "connector task thread";
        }
        if (thread.startsWith("kafka-producer-network-thread | connector-producer-bench-e2e-")) {
            return "connector producer I/O";
        }
        if (thread.contains("jmh-worker")) {
            return "JMH benchmark thread";
        }
        if (thread.startsWith("bench-exchange")) {
            return "generator";
        }
        if (thread.startsWith("task-thread") || thread.startsWith("kafka-producer-network-thread")) {
            return "other tasks and producers";
        }
        return "other (broker, worker, harness)";
    }
}
