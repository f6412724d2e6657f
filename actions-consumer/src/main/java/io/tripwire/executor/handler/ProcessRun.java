package io.tripwire.executor.handler;

import io.tripwire.signing.Sha256;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of a process without a shell: merged stdout+stderr captured up to a cap (the rest is read
 * and dropped so the child never blocks on a full pipe), a timeout that destroys the whole process
 * tree, and the exit code.
 */
final class ProcessRun {

    private static final long GRACE_MS = 2_000;

    /** How a run ended. {@code exitCode} is null after a timeout. */
    record Ended(Integer exitCode, boolean timedOut, long durationMs, String outputDigest, String outputTail) {
    }

    private ProcessRun() {
    }

    static Ended run(List<String> argv, java.nio.file.Path workDir, Map<String, String> env, Duration timeout,
                     int outputCap) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(workDir.toFile()).redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        Capture capture = new Capture(p.getInputStream(), outputCap);
        Thread reader = new Thread(capture, "command-output-" + p.pid());
        reader.setDaemon(true);
        reader.start();
        boolean exited;
        try {
            exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            destroyTree(p);
            throw e;
        }
        if (!exited) {
            destroyTree(p);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        reader.join(GRACE_MS);
        p.getInputStream().close(); // a detached grandchild may still hold the pipe
        byte[] out = capture.bytes();
        return new Ended(exited ? p.exitValue() : null, !exited, ms, Sha256.hex(out), tail(out));
    }

    /** Destroys the process and all its descendants: SIGTERM first, SIGKILL after a grace period. */
    static void destroyTree(Process p) throws InterruptedException {
        // collect descendants before the parent dies: orphans are re-parented and vanish from the tree
        List<ProcessHandle> tree = p.descendants().toList();
        p.destroy();
        tree.forEach(ProcessHandle::destroy);
        if (!p.waitFor(GRACE_MS, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
        }
        p.waitFor(GRACE_MS, TimeUnit.MILLISECONDS);
        // return only once the whole tree is gone (bounded): a signal is delivered asynchronously
        for (ProcessHandle h : tree) {
            if (!awaitExit(h)) {
                h.destroyForcibly();
                awaitExit(h);
            }
        }
    }

    private static boolean awaitExit(ProcessHandle h) throws InterruptedException {
        try {
            h.onExit().get(GRACE_MS, TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !h.isAlive();
        }
    }

    private static String tail(byte[] out) {
        String s = new String(out, StandardCharsets.UTF_8).strip();
        s = s.length() > 200 ? "…" + s.substring(s.length() - 200) : s;
        return s.replaceAll("[\\p{Cntrl}&&[^\n]]", "?").replace('\n', '|');
    }

    private static final class Capture implements Runnable {
        private final InputStream in;
        private final int cap;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        Capture(InputStream in, int cap) {
            this.in = in;
            this.cap = cap;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (kept) {
                        int room = cap - kept.size();
                        if (room > 0) {
                            kept.write(buf, 0, Math.min(room, n));
                        }
                    }
                }
            } catch (IOException e) {
                // the stream was closed under us after the process ended: what was read is kept
            }
        }

        byte[] bytes() {
            synchronized (kept) {
                return kept.toByteArray();
            }
        }
    }
}
