package io.liquidations.connect.binance;

import io.liquidations.connect.binance.stream.HostResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A name service the test controls: names answer with the addresses given, until the test takes them away (an
 * outage) or makes lookups hang (a name server that does not answer), and brings them back. Counts lookups, so a test can tell retries from silence.
 */
final class ControlledDns implements HostResolver {
    private final Map<String, List<InetAddress>> names = new ConcurrentHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private volatile boolean down;
    /** While set, every lookup hangs until it is counted down: a name server that does not answer. */
    private volatile CountDownLatch hung;
    private final AtomicInteger hanging = new AtomicInteger();

    ControlledDns answer(String host, String... addresses) {
        try {
            InetAddress[] resolved = new InetAddress[addresses.length];
            for (int i = 0; i < addresses.length; i++) {
                resolved[i] = InetAddress.getByAddress(host, InetAddress.getByName(addresses[i]).getAddress());
            }
            names.put(host, List.of(resolved));
            return this;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** While down, every lookup fails as a DNS outage makes it fail. */
    void setDown(boolean down) {
        this.down = down;
    }

    int lookups() {
        return lookups.get();
    }

    /** From now on, lookups hang (a name server that does not answer) until {@link #answerAgain()}. */
    void hang() {
        hung = new CountDownLatch(1);
    }

    /** Lookups answer again; those hanging return. */
    void answerAgain() {
        CountDownLatch latch = hung;
        hung = null;
        if (latch != null) {
            latch.countDown();
        }
    }

    /** Lookups waiting for an answer right now. */
    int hanging() {
        return hanging.get();
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        lookups.incrementAndGet();
        CountDownLatch latch = hung;
        if (latch != null) {
            hanging.incrementAndGet();
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnknownHostException(host + ": interrupted while the name server did not answer");
            } finally {
                hanging.decrementAndGet();
            }
        }
        List<InetAddress> addresses = names.get(host);
        if (down || addresses == null) {
            throw new UnknownHostException(host + ": Name or service not known");
        }
        return addresses;
    }
}
