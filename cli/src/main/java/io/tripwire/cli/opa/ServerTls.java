package io.tripwire.cli.opa;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * HTTPS for {@code opa-logs}: the server's certificate and key from PEM files and, for mutual TLS,
 * the CA whose certificates clients must present (OPA's {@code credentials.client_tls}). With a
 * client CA the handshake itself refuses a client without such a certificate, before any HTTP.
 */
public final class ServerTls {

    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
    /** The key store lives in memory only; its password protects nothing but is required by the API. */
    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    private final SSLContext context;
    private final boolean clientCertificates;

    private ServerTls(SSLContext context, boolean clientCertificates) {
        this.context = context;
        this.clientCertificates = clientCertificates;
    }

    /**
     * @param certFile the server's certificate, then any intermediates (PEM)
     * @param keyFile  its private key (PEM: PKCS#8, PKCS#1 RSA or SEC1 EC; not encrypted)
     * @param clientCa CA certificates that sign the clients' certificates (PEM), or null for no client certificates
     * @throws IllegalArgumentException naming the file, when a file is missing or holds no usable certificate or key
     */
    public static ServerTls load(Path certFile, Path keyFile, Path clientCa) throws IOException {
        List<X509Certificate> chain = PemFiles.certificates(certFile);
        PrivateKey key = PemFiles.privateKey(keyFile);
        if (!belongTogether(key, chain.get(0).getPublicKey())) {
            throw new IllegalArgumentException("the private key in " + keyFile + " is not the key of the first certificate in "
                    + certFile + " (" + chain.get(0).getSubjectX500Principal().getName() + ")");
        }
        warnIfNotValidNow(chain.get(0), certFile);
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", key, IN_MEMORY, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, IN_MEMORY);

            TrustManagerFactory tmf = null;
            if (clientCa != null) {
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                int i = 0;
                for (X509Certificate ca : PemFiles.certificates(clientCa)) {
                    trusted.setCertificateEntry("client-ca-" + i++, ca);
                }
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trusted);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return new ServerTls(ctx, clientCa != null);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot serve HTTPS with " + certFile + " and " + keyFile + ": " + e.getMessage(), e);
        }
    }

    /** Whether a client must present a certificate signed by the client CA. */
    public boolean requiresClientCertificates() {
        return clientCertificates;
    }

    /** Sets up each connection: the JDK's TLS defaults (1.2 and 1.3), plus the client certificate when required. */
    HttpsConfigurator configurator() {
        return new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = context.getDefaultSSLParameters();
                p.setNeedClientAuth(clientCertificates);
                params.setSSLParameters(p);
            }
        };
    }

    /** Signs with the key and verifies with the certificate's public key: true when they are one pair. */
    private static boolean belongTogether(PrivateKey key, PublicKey certKey) {
        if (!key.getAlgorithm().equals(certKey.getAlgorithm())) {
            return false;
        }
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        try {
            byte[] probe = "tripwire opa-logs key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(certKey);
            verify.update(probe);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A warning, not a refusal: the clock may be what is wrong; either way it says why clients will fail. */
    private static void warnIfNotValidNow(X509Certificate cert, Path file) {
        try {
            cert.checkValidity();
        } catch (CertificateExpiredException e) {
            LOG.warn("the certificate in {} expired on {}: clients will refuse the connection", file, cert.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            LOG.warn("the certificate in {} is not valid before {}: clients will refuse the connection", file, cert.getNotBefore().toInstant());
        }
    }
}
