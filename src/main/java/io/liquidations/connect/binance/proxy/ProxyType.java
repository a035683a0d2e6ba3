package io.liquidations.connect.binance.proxy;

/** How outbound connections reach the internet; configured as {@code none}, {@code http} or {@code socks5}. */
public enum ProxyType {
    /** Straight to the exchange. */
    NONE,
    /** Through an HTTP proxy's CONNECT tunnel (Basic credentials when a user name is set). */
    HTTP,
    /** Through a SOCKS5 proxy (user name and password authentication when a user name is set). */
    SOCKS5
}
