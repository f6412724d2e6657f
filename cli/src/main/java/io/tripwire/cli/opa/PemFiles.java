package io.tripwire.cli.opa;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * X.509 certificates and private keys in PEM files, read with the JDK alone. Private keys may be
 * PKCS#8 ({@code BEGIN PRIVATE KEY}, what {@code openssl genpkey} writes) or, because cert-manager
 * and {@code openssl genrsa}/{@code ecparam} write them, PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY})
 * and SEC1 EC ({@code BEGIN EC PRIVATE KEY}) keys; the JDK reads only PKCS#8, so those two are
 * wrapped into it. Encrypted keys are refused with how to decrypt them. Every error names the file.
 */
final class PemFiles {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*((?:[A-Za-z-]+:[^\\n]*\\n)*)([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    /** rsaEncryption (1.2.840.113549.1.1.1) with its NULL parameters: PKCS#8's algorithm for a PKCS#1 key. */
    private static final byte[] RSA_ALGORITHM = hex("300d06092a864886f70d0101010500");
    /** id-ecPublicKey (1.2.840.10045.2.1): PKCS#8's algorithm for an EC key, followed by its curve. */
    private static final byte[] EC_PUBLIC_KEY_OID = hex("06072a8648ce3d0201");

    private PemFiles() {
    }

    private record Block(String type, boolean encrypted, byte[] der) {
    }

    /** Every certificate of a file, in order (a server's own certificate first, then its intermediates). */
    static List<X509Certificate> certificates(Path file) throws IOException {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(file)) {
                if (b.type.equals("CERTIFICATE")) {
                    out.add((X509Certificate) x509.generateCertificate(new ByteArrayInputStream(b.der)));
                }
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException(file + ": not a valid X.509 certificate: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no certificate in it (expected '-----BEGIN CERTIFICATE-----', PEM)");
        }
        return out;
    }

    /** The one private key of a file: RSA or EC, PKCS#8, PKCS#1 (RSA) or SEC1 (EC), not encrypted. */
    static PrivateKey privateKey(Path file) throws IOException {
        List<Block> keys = blocks(file).stream().filter(b -> b.type.endsWith("PRIVATE KEY")).toList();
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(file + ": no private key in it (expected '-----BEGIN PRIVATE KEY-----', PEM)");
        }
        if (keys.size() > 1) {
            throw new IllegalArgumentException(file + ": " + keys.size() + " private keys in it; give a file with the one key of the certificate");
        }
        Block key = keys.get(0);
        if (key.encrypted || key.type.equals("ENCRYPTED PRIVATE KEY")) {
            throw new IllegalArgumentException(file + ": the private key is encrypted; give it unencrypted, readable only by this user "
                    + "(openssl pkey -in " + file + " -out key.pem)");
        }
        try {
            return switch (key.type) {
                case "PRIVATE KEY" -> pkcs8(key.der);
                case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                        der(0x30, concat(der(0x02, new byte[]{0}), RSA_ALGORITHM, der(0x04, key.der)))));
                case "EC PRIVATE KEY" -> KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
                        der(0x30, concat(der(0x02, new byte[]{0}), der(0x30, concat(EC_PUBLIC_KEY_OID, sec1Curve(key.der))),
                                der(0x04, key.der)))));
                default -> throw new IllegalArgumentException("a '" + key.type + "' is not supported; use an RSA or EC key "
                        + "(PKCS#8: openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem)");
            };
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": not a usable private key: " + e.getMessage(), e);
        }
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("neither an RSA nor an EC key (" + last.getMessage() + ")", last);
    }

    private static List<Block> blocks(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": file not found");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(file + ": not a PEM file (binary content; DER files must be converted to PEM)");
        }
        text = text.replace("\r\n", "\n");
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            try {
                out.add(new Block(m.group(1), m.group(2).contains("ENCRYPTED"), Base64.getMimeDecoder().decode(m.group(3))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": the '" + m.group(1) + "' PEM block is not valid base64");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": not a PEM file (no '-----BEGIN ...-----' block)");
        }
        return out;
    }

    /** The curve of a SEC1 ECPrivateKey: the OID in its {@code [0] parameters} (RFC 5915), as DER. */
    private static byte[] sec1Curve(byte[] sec1) {
        int[] seq = tlv(sec1, 0, 0x30);
        for (int p = seq[0]; p < seq[1]; ) {
            int[] element = tlv(sec1, p, -1);
            if ((sec1[p] & 0xff) == 0xa0) {
                int[] oid = tlv(sec1, element[0], 0x06);
                return Arrays.copyOfRange(sec1, element[0], oid[1]);
            }
            p = element[1];
        }
        throw new IllegalArgumentException("the EC key does not name its curve; convert it to PKCS#8 "
                + "(openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem)");
    }

    /** Where the content of the DER element at {@code at} starts and where the element ends; its tag must be {@code tag} unless -1. */
    private static int[] tlv(byte[] der, int at, int tag) {
        if (at + 2 > der.length || (tag >= 0 && (der[at] & 0xff) != tag)) {
            throw new IllegalArgumentException("malformed DER in the key");
        }
        int length = der[at + 1] & 0xff;
        int start = at + 2;
        if (length >= 0x80) {
            int n = length & 0x7f; // 0x80 alone is BER's indefinite length, which DER does not have
            if (n == 0 || n > 3 || start + n > der.length) {
                throw new IllegalArgumentException("malformed DER in the key");
            }
            length = 0;
            for (int i = 0; i < n; i++) {
                length = (length << 8) | (der[start + i] & 0xff);
            }
            start += n;
        }
        if (start + length > der.length) {
            throw new IllegalArgumentException("malformed DER in the key");
        }
        return new int[]{start, start + length};
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }
}
