package io.liquidations.connect.binance.stream;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Looks up the exchange's host name. A lookup may block for seconds (a slow or absent DNS server), so connections call
 * it on a resolver thread of their own, never on the event loop that also answers pings and reads every socket.
 */
@FunctionalInterface
public interface HostResolver {

    /** The JVM's resolver: the host's DNS settings, {@code /etc/hosts}, and the JVM's address cache. */
    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    /** @return at least one address */
    List<InetAddress> resolve(String host) throws UnknownHostException;
}
