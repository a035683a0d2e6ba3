package io.liquidations.connect.binance.proxy;

import java.util.Locale;
import org.apache.kafka.common.config.types.Password;

/**
 * Where a proxy is and how to log in to it. The password stays a {@link Password}, whose {@code toString()} is
 * {@code [hidden]}, until the moment a handler needs it, so no log line or exception can carry it by accident.
 *
 * @param username empty for a proxy without authentication
 * @param password null when there is none
 */
public record ProxySettings(ProxyType type, String host, int port, String username, Password password) {

    public static final ProxySettings NONE = new ProxySettings(ProxyType.NONE, "", 0, "", null);

    public ProxySettings {
        host = host == null ? "" : host.trim();
        username = username == null ? "" : username;
    }

    public boolean enabled() {
        return type != ProxyType.NONE;
    }

    public boolean authenticates() {
        return !username.isEmpty();
    }

    /** {@code host:port} with the setting names that hold it, for diagnoses that must name the proxy. */
    public String describe() {
        return type.name().toLowerCase(Locale.ROOT) + " proxy " + host + ":" + port + " (proxy.host:proxy.port)";
    }

    String passwordValue() {
        return password == null ? "" : password.value();
    }

    @Override
    public String toString() {
        return enabled() ? describe() + (authenticates() ? " as " + username : "") : "no proxy";
    }
}
