package io.tripwire.cli.opa;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A CA, a server certificate for 127.0.0.1/localhost and a client certificate it signed, written as
 * PEM files the way an operator would have them, plus SSLContexts for a client that trusts the CA
 * (with and without its client certificate).
 */
final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final char[] PASSWORD = "test".toCharArray();

    final Path caPem;
    final Path serverPem;
    final Path serverKeyPem;
    final Path clientPem;
    final Path clientKeyPem;
    private final X509Certificate ca;
    private final X509Certificate client;
    private final KeyPair clientKeys;

    /** Everything RSA-2048 (a server key in PKCS#8) unless {@code ec}: then P-256 (the server key in SEC1, as openssl ecparam writes it). */
    TestPki(Path dir, boolean ec) throws Exception {
        Files.createDirectories(dir);
        KeyPair caKeys = keys(ec);
        ca = certificate("CN=tripwire test CA", caKeys, "CN=tripwire test CA", caKeys, true, ec);
        KeyPair serverKeys = keys(ec);
        X509Certificate server = certificate("CN=localhost", serverKeys, "CN=tripwire test CA", caKeys, false, ec);
        clientKeys = keys(ec);
        client = certificate("CN=opa", clientKeys, "CN=tripwire test CA", caKeys, false, ec);
        caPem = Files.writeString(dir.resolve("ca.pem"), pem(ca));
        serverPem = Files.writeString(dir.resolve("server.pem"), pem(server) + pem(ca));
        serverKeyPem = Files.writeString(dir.resolve("server-key.pem"), ec ? pem(serverKeys.getPrivate()) : pkcs8(serverKeys));
        clientPem = Files.writeString(dir.resolve("client.pem"), pem(client));
        clientKeyPem = Files.writeString(dir.resolve("client-key.pem"), pkcs8(clientKeys));
    }

    static KeyPair keys(boolean ec) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(ec ? "EC" : "RSA");
        g.initialize(ec ? 256 : 2048);
        return g.generateKeyPair();
    }

    /** A certificate for {@code subject}, signed by {@code issuerKeys}; a leaf names 127.0.0.1 and localhost. */
    static X509Certificate certificate(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys, boolean isCa, boolean ec)
            throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), new X500Name(subject),
                subjectKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (isCa) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder(ec ? "SHA256withECDSA" : "SHA256withRSA").build(issuerKeys.getPrivate())));
    }

    /**
     * PEM as Bouncy Castle writes an object: a private key in its traditional form, PKCS#1 for RSA; for EC
     * SEC1 with the curve named in it, as openssl and Go (cert-manager) write it (Bouncy Castle would leave it out).
     */
    static String pem(Object o) throws Exception {
        if (o instanceof java.security.interfaces.ECPrivateKey key) {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
            ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
            o = new PemObject("EC PRIVATE KEY", new ECPrivateKey(key.getParams().getOrder().bitLength(), key.getS(),
                    inner.getPublicKey(), info.getPrivateKeyAlgorithm().getParameters()).getEncoded());
        }
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(o);
        }
        return w.toString();
    }

    static String pkcs8(KeyPair keys) throws Exception {
        return pem(new JcaPKCS8Generator(keys.getPrivate(), null));
    }

    /** A client that trusts the CA and, when {@code withCertificate}, presents the CA-signed client certificate. */
    SSLContext clientContext(boolean withCertificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (withCertificate) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("opa", clientKeys.getPrivate(), PASSWORD, new X509Certificate[]{client, ca});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASSWORD);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
