package io.liquidations.connect.binance.stream;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.connect.errors.ConnectException;

/** Client TLS that verifies the server's certificate chain and host name: never trust-all. */
public final class TlsContexts {
    private TlsContexts() {
    }

    /**
     * @param trustStorePath empty for the JVM's default trust store
     * @param password null when the trust store has none
     */
    public static SslContext client(String trustStorePath, char[] password, String trustStoreType) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStorePath.isEmpty() ? null : load(Path.of(trustStorePath), password, trustStoreType));
            return SslContextBuilder.forClient()
                    .trustManager(trust)
                    .endpointIdentificationAlgorithm("HTTPS")
                    .build();
        } catch (GeneralSecurityException | SSLException e) {
            throw new ConnectException("Cannot set up TLS from trust store '" + trustStorePath + "'", e);
        }
    }

    private static KeyStore load(Path path, char[] password, String type) throws GeneralSecurityException {
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password);
            return store;
        } catch (IOException e) {
            throw new ConnectException("Cannot read trust store " + path + ": " + e.getMessage()
                    + "; check binance.ws.truststore.path, .type and .password", e);
        }
    }
}
