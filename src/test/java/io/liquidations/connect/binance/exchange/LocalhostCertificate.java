package io.liquidations.connect.binance.exchange;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed server certificate for {@code localhost}, made fresh for each TLS fake exchange.
 *
 * <p>The certificate carries both {@code DNS:localhost} and {@code IP:127.0.0.1} as subject
 * alternative names because a JDK client with endpoint identification "HTTPS" (the default of
 * {@code java.net.http.HttpClient}, and what a careful connector enables) ignores the CN and
 * checks only the SANs. Connector tests therefore exercise real hostname verification instead of
 * switching it off, which is the point of a TLS fake.
 *
 * <p>Only BouncyCastle's certificate builder is used; keys and signatures come from the JDK's own
 * providers, so no security provider is registered globally (that would leak into other tests).
 */
final class LocalhostCertificate {

    /** Long enough for any test run, short enough that a leaked trust store is worthless. */
    private static final Duration VALIDITY = Duration.ofDays(7);

    /** Generous back-dating so that a slightly skewed clock never sees a "not yet valid" cert. */
    private static final Duration BACKDATE = Duration.ofDays(1);

    private final PrivateKey privateKey;
    private final X509Certificate certificate;

    private LocalhostCertificate(PrivateKey privateKey, X509Certificate certificate) {
        this.privateKey = privateKey;
        this.certificate = certificate;
    }

    /**
     * Generates a P-256 key pair and a self-signed certificate for localhost. EC keys are used
     * because generating them takes milliseconds, where RSA-2048 can take most of a second.
     */
    static LocalhostCertificate generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keyPair = generator.generateKeyPair();

            X500Name subject = new X500Name("CN=localhost, O=Fake Binance Exchange (tests)");
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject,
                    new BigInteger(63, new SecureRandom()).add(BigInteger.ONE),
                    Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(VALIDITY)),
                    subject,
                    keyPair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
            }));
            // An end-entity certificate that clients trust directly (it is its own trust anchor).
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));

            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
            certificate.checkValidity();
            certificate.verify(keyPair.getPublic());
            return new LocalhostCertificate(keyPair.getPrivate(), certificate);
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("cannot generate the fake exchange's TLS certificate", e);
        }
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    X509Certificate certificate() {
        return certificate;
    }

    /** A PKCS12 key store holding only this certificate as a trusted entry. */
    KeyStore trustStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("fake-binance-localhost", certificate);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a trust store", e);
        }
    }

    /**
     * Writes {@link #trustStore()} to a new temporary file readable by the owner only, so that a
     * connector can be configured with a trust store path and password exactly as in production.
     */
    Path writeTrustStore(char[] password) {
        try {
            Path file = Files.createTempFile("fake-binance-truststore-", ".p12");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Not a POSIX file system: the default temp-file permissions are all we can do.
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                trustStore().store(out, password);
            }
            return file;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the trust store", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the trust store", e);
        }
    }

    /** A client {@link SSLContext} that trusts exactly this certificate (default hostname checks apply). */
    SSLContext clientSslContext() {
        try {
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trustStore());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a client SSLContext", e);
        }
    }
}
