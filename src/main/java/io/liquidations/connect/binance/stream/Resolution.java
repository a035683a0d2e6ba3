package io.liquidations.connect.binance.stream;

import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

/**
 * Host name lookups for a client's connections, on a thread of their own: Netty's default resolver asks the JVM on the
 * event loop, where a slow DNS server would freeze every socket of the task, pings and reads included. The answer is
 * handed back to the connection's event loop.
 */
final class Resolution {
    private final HostResolver resolver;
    private final ExecutorService executor;
    /** Whether the host ever resolved: a name that never did is probably a typo, one that did is having an outage. */
    private volatile boolean everResolved;

    Resolution(HostResolver resolver, ExecutorService executor) {
        this.resolver = resolver;
        this.executor = executor;
    }

    /** Looks {@code host} up, then calls {@code done} on {@code loop} with the addresses or the failure. */
    void resolve(String host, EventLoop loop, BiConsumer<List<InetAddress>, Throwable> done) {
        try {
            executor.execute(() -> {
                List<InetAddress> addresses;
                try {
                    addresses = resolver.resolve(host);
                    if (addresses == null || addresses.isEmpty()) {
                        throw new UnknownHostException(host + ": no addresses");
                    }
                    everResolved = true;
                } catch (UnknownHostException | RuntimeException e) {
                    loop.execute(() -> done.accept(null, e instanceof UnknownHostException ? e
                            : new UnknownHostException(host + ": " + e)));
                    return;
                }
                List<InetAddress> found = List.copyOf(addresses);
                loop.execute(() -> done.accept(found, null));
            });
        } catch (RejectedExecutionException stopping) {
            // The client is closing: the attempt is moot.
        }
    }

    boolean everResolved() {
        return everResolved;
    }
}
