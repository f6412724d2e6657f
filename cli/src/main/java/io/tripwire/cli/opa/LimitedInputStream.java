package io.tripwire.cli.opa;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream that fails with {@link TooLarge} as soon as more than {@code limit} bytes have been read
 * from it. It never asks the stream below for more than one byte past the limit, so over a
 * {@link java.util.zip.GZIPInputStream} a gzip bomb is inflated only that far, and over a request
 * body an over-large upload is read only that far.
 */
final class LimitedInputStream extends FilterInputStream {

    /** More bytes than the limit; {@link #getMessage()} says which limit, for the 413 answer. */
    static final class TooLarge extends IOException {
        TooLarge(String message) {
            super(message);
        }
    }

    private final long limit;
    private final String what;
    private long count;

    /** @param what the limit in words, e.g. "the body is larger than --max-body 10MB" */
    LimitedInputStream(InputStream in, long limit, String what) {
        super(in);
        this.limit = limit;
        this.what = what;
    }

    @Override
    public int read() throws IOException {
        counted(0);
        int b = in.read();
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        counted(0); // already over: fail again rather than read nothing
        if (len == 0) {
            return 0;
        }
        int n = in.read(b, off, (int) Math.min(len, limit - count + 1));
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        counted(0);
        long skipped = in.skip(Math.min(n, limit - count + 1));
        counted(skipped);
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false; // a reset would let the count run behind what was read
    }

    @Override
    public synchronized void mark(int readlimit) {
        // not supported
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }

    private void counted(long n) throws TooLarge {
        count += n;
        if (count > limit) {
            throw new TooLarge(what);
        }
    }
}
