package dev.vigil.alerts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** TLS that trusts the certificates of one PEM file (an smtp alert's {@code ca_file}), and nothing else. */
final class TrustedCertificates {
    private TrustedCertificates() {}

    static SSLSocketFactory socketFactory(Path pemFile) throws AlertSender.AlertFailure {
        try (InputStream in = Files.newInputStream(pemFile)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) {
                throw new AlertSender.AlertFailure("no certificate in ca_file " + pemFile, false);
            }
            var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            var tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            return tls.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new AlertSender.AlertFailure("cannot read ca_file " + pemFile + ": " + e.getMessage(), false);
        }
    }

}
