package io.tripwire.cli.opa;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LimitedInputStreamTest {

    /** Endless zeros, counting how many were asked for. */
    private static final class Endless extends InputStream {
        long served;

        @Override
        public int read() {
            served++;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            java.util.Arrays.fill(b, off, off + len, (byte) 0);
            served += len;
            return len;
        }
    }

    @Test
    void readsUpToTheLimitAndNeverMoreThanOneBytePast() {
        Endless endless = new Endless();
        LimitedInputStream in = new LimitedInputStream(endless, 1000, "over 1000");

        assertThatThrownBy(in::readAllBytes).isInstanceOf(LimitedInputStream.TooLarge.class).hasMessage("over 1000");
        assertThat(endless.served).isEqualTo(1001);
        assertThatThrownBy(in::read).isInstanceOf(LimitedInputStream.TooLarge.class); // and stays over
    }

    @Test
    void aBodyAtTheLimitIsRead() throws Exception {
        byte[] body = new byte[1000];
        assertThat(new LimitedInputStream(new ByteArrayInputStream(body), 1000, "x").readAllBytes()).hasSize(1000);
    }

    @Test
    void aGzipBombIsInflatedOnlyToTheLimit() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(new byte[64 * 1024 * 1024]); // 64 MB of zeros: about 64 KB compressed
        }
        assertThat(gz.size()).isLessThan(100 * 1024);
        CountingStream compressed = new CountingStream(new ByteArrayInputStream(gz.toByteArray()));
        LimitedInputStream inflated = new LimitedInputStream(new GZIPInputStream(compressed), 1024 * 1024, "over 1MB");

        assertThatThrownBy(inflated::readAllBytes).isInstanceOf(LimitedInputStream.TooLarge.class);
        assertThat(compressed.read).isLessThan(gz.size() / 8); // stopped at the first MB of 64
    }

    private static final class CountingStream extends java.io.FilterInputStream {
        long read;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            int n = super.read(b, off, len);
            read += Math.max(0, n);
            return n;
        }
    }
}
