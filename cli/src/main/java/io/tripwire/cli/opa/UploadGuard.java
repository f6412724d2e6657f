package io.tripwire.cli.opa;

import io.tripwire.cli.ByteSizeConverter;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who may upload to {@code opa-logs} and how large an upload may be.
 *
 * @param token           the bearer token every upload must carry, or null for none
 * @param tls             HTTPS (and, when it asks for client certificates, mutual TLS), or null for plain HTTP
 * @param maxBody         most bytes of a request body as sent (compressed or not)
 * @param maxDecompressed most bytes of a request body once gunzipped (a gzip bomb stops here)
 */
public record UploadGuard(BearerToken token, ServerTls tls, long maxBody, long maxDecompressed) {

    /** OPA's chunks are 32 KB compressed by default ({@code upload_size_limit_bytes}): this leaves ample room. */
    public static final long DEFAULT_MAX_BODY = 10L * 1024 * 1024;
    /** Decision-log JSON compresses about 10-20 times; a chunk of 10 MB would still fit. */
    public static final long DEFAULT_MAX_DECOMPRESSED = 100L * 1024 * 1024;

    public UploadGuard {
        if (maxBody < 1 || maxDecompressed < 1) {
            throw new IllegalArgumentException("body limits must be at least 1 byte");
        }
    }

    /** No credentials, default limits: for a receiver on a loopback address only (see {@link #exposure}). */
    public static UploadGuard open() {
        return new UploadGuard(null, null, DEFAULT_MAX_BODY, DEFAULT_MAX_DECOMPRESSED);
    }

    /** Whether an upload must prove who sent it (a token, or a client certificate in the handshake). */
    public boolean authenticated() {
        return token != null || (tls != null && tls.requiresClientCertificates());
    }

    /**
     * What listening on {@code address} with these credentials amounts to: nothing to say when uploads
     * are authenticated; a warning on a loopback address without credentials (only this host can
     * post); and on any other address without credentials an {@link IllegalArgumentException}
     * saying why and what to pass, since anyone who can reach the port could then write decisions
     * that raise or hide residency tripwires.
     */
    public Optional<String> exposure(InetSocketAddress address) {
        if (authenticated()) {
            return Optional.empty();
        }
        InetAddress ip = address.getAddress();
        String host = address.getHostString();
        String where = (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
        if (ip == null || !ip.isLoopbackAddress()) {
            throw new IllegalArgumentException("refusing to listen on " + where + " without credentials: any host that can reach it "
                    + "could post decision-log events. Pass --token-file FILE (OPA: credentials.bearer), or --tls-cert, --tls-key "
                    + "and --client-ca (OPA: credentials.client_tls), or listen on a loopback address such as 127.0.0.1");
        }
        return Optional.of("opa-logs on " + where + " accepts uploads without credentials: anyone on this host can post "
                + "decision-log events; pass --token-file or --client-ca to require them");
    }

    /** For the startup line: e.g. "bearer token required; bodies up to 10MB, 100MB decompressed". */
    public String describe() {
        List<String> needs = new ArrayList<>();
        if (token != null) {
            needs.add("bearer token");
        }
        if (tls != null && tls.requiresClientCertificates()) {
            needs.add("client certificate");
        }
        String who = needs.isEmpty() ? "no credentials required" : String.join(" and ", needs) + " required";
        return who + "; bodies up to " + ByteSizeConverter.format(maxBody) + ", " + ByteSizeConverter.format(maxDecompressed)
                + " decompressed";
    }
}
