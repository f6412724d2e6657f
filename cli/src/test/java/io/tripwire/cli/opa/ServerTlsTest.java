package io.tripwire.cli.opa;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The PEM files an operator has: certificates and RSA or EC keys in the forms openssl and cert-manager write. */
class ServerTlsTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void readsRsaAndEcKeysAsPkcs8Pkcs1AndSec1() throws Exception {
        for (boolean ec : new boolean[]{false, true}) {
            KeyPair keys = TestPki.keys(ec);
            X509Certificate cert = TestPki.certificate("CN=localhost", keys, "CN=localhost", keys, false, ec);
            Path certFile = write("cert.pem", TestPki.pem(cert));
            Path pkcs8 = write("pkcs8.pem", TestPki.pkcs8(keys));
            Path traditional = write("traditional.pem", TestPki.pem(keys.getPrivate()));
            assertThat(Files.readString(traditional)).startsWith(ec ? "-----BEGIN EC PRIVATE KEY-----" : "-----BEGIN RSA PRIVATE KEY-----");

            for (Path keyFile : new Path[]{pkcs8, traditional}) {
                PrivateKey read = PemFiles.privateKey(keyFile);
                assertThat(read.getAlgorithm()).isEqualTo(ec ? "EC" : "RSA");
                if (ec) { // the same secret (the encoding may name the curve twice)
                    assertThat(((ECPrivateKey) read).getS()).isEqualTo(((ECPrivateKey) keys.getPrivate()).getS());
                } else {
                    assertThat(((RSAPrivateKey) read).getPrivateExponent()).isEqualTo(((RSAPrivateKey) keys.getPrivate()).getPrivateExponent());
                }
                assertThat(ServerTls.load(certFile, keyFile, null).requiresClientCertificates()).isFalse();
            }
            assertThat(ServerTls.load(certFile, pkcs8, certFile).requiresClientCertificates()).isTrue();
        }
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedNamingBothFiles() throws Exception {
        KeyPair keys = TestPki.keys(false);
        Path cert = write("cert.pem", TestPki.pem(TestPki.certificate("CN=localhost", keys, "CN=localhost", keys, false, false)));
        Path other = write("other-key.pem", TestPki.pkcs8(TestPki.keys(false)));
        Path ecKey = write("ec-key.pem", TestPki.pkcs8(TestPki.keys(true)));

        assertThatThrownBy(() -> ServerTls.load(cert, other, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the private key in " + other + " is not the key of the first certificate in " + cert + " (CN=localhost)");
        assertThatThrownBy(() -> ServerTls.load(cert, ecKey, null)).hasMessageStartingWith("the private key in " + ecKey + " is not the key");
    }

    @Test
    void filesThatHoldTheWrongThingAreRefusedNamingTheFile() throws Exception {
        KeyPair keys = TestPki.keys(false);
        Path cert = write("cert.pem", TestPki.pem(TestPki.certificate("CN=localhost", keys, "CN=localhost", keys, false, false)));
        Path key = write("key.pem", TestPki.pkcs8(keys));
        Path absent = dir.resolve("absent.pem");
        Path text = write("text.pem", "hello\n");
        Path encrypted = write("encrypted.pem", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjAp\n-----END ENCRYPTED PRIVATE KEY-----\n");
        Path legacyEncrypted = write("legacy.pem", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n"
                + "MIIBvTBXBgkqhkiG9w0BBQ0wSjAp\n-----END RSA PRIVATE KEY-----\n");

        assertThatThrownBy(() -> ServerTls.load(absent, key, null)).hasMessage(absent + ": file not found");
        assertThatThrownBy(() -> ServerTls.load(cert, absent, null)).hasMessage(absent + ": file not found");
        assertThatThrownBy(() -> ServerTls.load(text, key, null)).hasMessage(text + ": not a PEM file (no '-----BEGIN ...-----' block)");
        assertThatThrownBy(() -> ServerTls.load(key, key, null))
                .hasMessage(key + ": no certificate in it (expected '-----BEGIN CERTIFICATE-----', PEM)");
        assertThatThrownBy(() -> ServerTls.load(cert, cert, null))
                .hasMessage(cert + ": no private key in it (expected '-----BEGIN PRIVATE KEY-----', PEM)");
        assertThatThrownBy(() -> ServerTls.load(cert, encrypted, null)).hasMessageStartingWith(encrypted + ": the private key is encrypted");
        assertThatThrownBy(() -> ServerTls.load(cert, legacyEncrypted, null)).hasMessageStartingWith(legacyEncrypted + ": the private key is encrypted");
        assertThatThrownBy(() -> ServerTls.load(cert, key, key)).hasMessage(key + ": no certificate in it (expected '-----BEGIN CERTIFICATE-----', PEM)");
    }
}
