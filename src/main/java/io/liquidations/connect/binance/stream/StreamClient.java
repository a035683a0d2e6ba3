package io.liquidations.connect.binance.stream;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A task's WebSocket connections: one per group of streams, all on a single event-loop thread (a few frames a
 * second per symbol need no more), each reconnecting on its own.
 */
public final class StreamClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamClient.class);

    private final StreamClientSettings settings;
    private final StreamListener listener;
    private final EventLoopGroup group;
    private final List<StreamConnection> connections = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    public StreamClient(StreamClientSettings settings, StreamListener listener) {
        this.settings = settings;
        this.listener = listener;
        this.group = new MultiThreadIoEventLoopGroup(1,
                new ContextThreadFactory(settings.threadNamePrefix(), MDC.getCopyOfContextMap()),
                NioIoHandler.newFactory());
    }

    /** Opens one connection per group of stream names. */
    public void start(List<List<String>> streamGroups) {
        for (List<String> streams : streamGroups) {
            String name = "connection-" + (connections.size() + 1);
            ReconnectBackoff backoff = new ReconnectBackoff(settings.backoffInitialMs(), settings.backoffMaxMs(),
                    bound -> ThreadLocalRandom.current().nextLong(bound + 1));
            List<String> subscribed = new ArrayList<>(streams);
            if (settings.liveness().canaryStream() != null) {
                subscribed.add(settings.liveness().canaryStream());
            }
            StreamConnection connection = new StreamConnection(name,
                    StreamNames.combinedStreamUri(settings.baseUrl(), subscribed), List.copyOf(streams), settings,
                    group.next(), backoff, listener);
            connections.add(connection);
            connection.open();
        }
    }

    /** After the consumer drained its queue: read again from every connection paused by back-pressure. */
    public void resumeReading() {
        connections.forEach(StreamConnection::resumeReading);
    }

    /**
     * Closes every connection and the event loop, waiting at most {@code timeout}; leaves no thread behind.
     * Idempotent: the worker may stop a task more than once.
     */
    public void close(Duration timeout) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        connections.forEach(StreamConnection::close);
        boolean terminated = group.shutdownGracefully(0, timeout.toMillis() / 2, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(timeout.toMillis());
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
