package io.liquidations.connect.binance.stream;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A task's WebSocket connections: for each group of streams {@code connections.per.stream} legs, all on a single
 * event-loop thread (a few frames a second per symbol need no more), each reconnecting on its own; host names are
 * looked up on a thread of their own.
 */
public final class StreamClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamClient.class);

    private final StreamClientSettings settings;
    private final StreamListener listener;
    private final EventLoopGroup group;
    private final ExecutorService lookups;
    private final Resolution resolution;
    /** Grows when held groups are started later; read by metrics and by stop() on other threads. */
    private final List<StreamGroup> groups = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    public StreamClient(StreamClientSettings settings, StreamListener listener) {
        this.settings = settings;
        this.listener = listener;
        Map<String, String> logContext = MDC.getCopyOfContextMap();
        this.group = new MultiThreadIoEventLoopGroup(1,
                new ContextThreadFactory(settings.threadNamePrefix(), logContext), NioIoHandler.newFactory());
        // One lookup at a time is plenty (a handful of connections per task); the thread ends when idle.
        ThreadPoolExecutor lookupThread = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new ContextThreadFactory(settings.threadNamePrefix() + "-dns", logContext));
        lookupThread.allowCoreThreadTimeOut(true);
        this.lookups = lookupThread;
        this.resolution = new Resolution(settings.resolver(), lookups);
    }

    /**
     * Opens {@code connections.per.stream} connections for each named group of stream names; may be called again
     * with more groups.
     *
     * @param streamGroups group name → its streams, in order; names must be unique, they name the group in logs,
     *     metrics and gap records
     * @return the legs it opened
     */
    public List<LegState> start(Map<String, List<String>> streamGroups) {
        List<StreamGroup> added = new ArrayList<>();
        int legs = Math.max(1, settings.connectionsPerStream());
        String canary = settings.liveness().canaryStream();
        streamGroups.forEach((groupName, streams) -> {
            StreamGroup streamGroup = new StreamGroup(groupName, streams, listener);
            List<String> subscribed = new ArrayList<>(streams);
            if (canary != null) {
                subscribed.add(canary);
            }
            var uri = StreamNames.combinedStreamUri(settings.baseUrl(), subscribed);
            var eventLoop = group.next();
            for (int leg = 0; leg < legs; leg++) {
                ReconnectBackoff backoff = new ReconnectBackoff(settings.backoffInitialMs(), settings.backoffMaxMs(),
                        bound -> ThreadLocalRandom.current().nextLong(bound + 1));
                streamGroup.add(new StreamConnection(groupName + "/leg-" + (leg + 1), leg, streamGroup, uri, settings,
                        eventLoop, backoff, resolution, listener));
            }
            added.add(streamGroup);
        });
        groups.addAll(added);
        added.forEach(g -> g.legs().forEach(StreamConnection::open));
        return legStates(added);
    }

    /** After the consumer drained its queue: read again from every socket paused by back-pressure. */
    public void resumeReading() {
        groups.forEach(g -> g.legs().forEach(StreamConnection::resumeReading));
    }

    /** One leg as metrics see it: whether it delivers its group's streams now. */
    public record LegState(String group, int leg, java.util.function.BooleanSupplier up) {
    }

    public List<LegState> legs() {
        return legStates(groups);
    }

    private static List<LegState> legStates(List<StreamGroup> of) {
        List<LegState> states = new ArrayList<>();
        for (StreamGroup g : of) {
            for (int i = 0; i < g.legs().size(); i++) {
                StreamConnection leg = g.legs().get(i);
                states.add(new LegState(g.name(), i + 1, leg::isCovering));
            }
        }
        return states;
    }

    /**
     * Per group: until when every liquidation of its streams has been received ({@code Long.MIN_VALUE} for a group not
     * covered yet), and whether a leg covers it now. Safe from any thread.
     */
    public Map<String, GroupCoverage> coverage(long nowMillis) {
        Map<String, GroupCoverage> coverage = new java.util.LinkedHashMap<>();
        for (StreamGroup g : groups) {
            coverage.put(g.name(), new GroupCoverage(g.streams(), g.frontier(nowMillis), g.coveringLegs() > 0));
        }
        return coverage;
    }

    /** @param receivedUntil see {@link #coverage} */
    public record GroupCoverage(List<String> streams, long receivedUntil, boolean covered) {
    }

    /** Streams whose group has fewer legs up than configured: covered, but one fault from a gap (or in one). */
    public int streamsBelowRedundancy() {
        int legs = Math.max(1, settings.connectionsPerStream());
        int below = 0;
        for (StreamGroup g : groups) {
            if (g.coveringLegs() < legs) {
                below += g.streams().size();
            }
        }
        return below;
    }

    /**
     * Closes every connection and the event loop, waiting at most {@code timeout}; leaves no thread behind.
     * Idempotent: the worker may stop a task more than once.
     */
    public void close(Duration timeout) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        groups.forEach(g -> g.legs().forEach(StreamConnection::close));
        lookups.shutdownNow();
        boolean terminated = group.shutdownGracefully(0, timeout.toMillis() / 2, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(timeout.toMillis());
        try {
            terminated &= lookups.awaitTermination(Math.max(1, timeout.toMillis() / 4), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!terminated) {
            log.warn("Event loop {} did not stop within {}", settings.threadNamePrefix(), timeout);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    /**
     * The worker puts the connector and task into the logging context of its own threads only; the event loop
     * carries the same context, so that every log line of a task says which connector and task it is from.
     */
    private static final class ContextThreadFactory extends DefaultThreadFactory {
        private final Map<String, String> context;

        ContextThreadFactory(String poolName, Map<String, String> context) {
            super(poolName, true);
            this.context = context;
        }

        @Override
        protected Thread newThread(Runnable task, String name) {
            return super.newThread(() -> {
                if (context != null) {
                    MDC.setContextMap(context);
                }
                task.run();
            }, name);
        }
    }
}
