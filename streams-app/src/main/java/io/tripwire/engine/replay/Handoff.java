package io.tripwire.engine.replay;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Items made on a thread of its own ({@code replay-reader}: parsing a file, or polling and merging
 * topics) and handed in batches of 512, through a bounded queue, to the thread that replays them:
 * on two cores the reading and the engine's work overlap. The replaying side takes batches with
 * {@link #next} and may stop the reader early by closing; a failure on the reader ends the replay
 * with it ({@link #rethrow}).
 *
 * @param <T> what is handed over
 */
final class Handoff<T> implements AutoCloseable {

    /** The reading side: {@link #add}s items until it is done, or until {@code add} says the replay stopped. */
    interface Reader<T> {
        void read(Handoff<T> out) throws IOException;
    }

    private static final int BATCH = 512;

    private final BlockingQueue<List<T>> queue = new ArrayBlockingQueue<>(64);
    private final List<T> end = new ArrayList<>(0); // compared by identity: no batch is this list
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private List<T> batch = new ArrayList<>(BATCH);

    Handoff(Reader<T> reader) {
        thread = new Thread(() -> {
            try {
                reader.read(this);
                flush();
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                while (!offer(end) && !stop.get()) {
                    // the replaying side is behind: wait for room
                }
            }
        }, "replay-reader");
        thread.setDaemon(true);
        thread.start();
    }

    /** Reading side: queues an item; false once the replaying side stopped (the reader should return). */
    boolean add(T item) {
        batch.add(item);
        return batch.size() < BATCH ? !stop.get() : flush();
    }

    /** Reading side: whether the replaying side has stopped (the reader should return). */
    boolean stopped() {
        return stop.get();
    }

    private boolean flush() {
        if (batch.isEmpty()) {
            return !stop.get();
        }
        List<T> full = batch;
        batch = new ArrayList<>(BATCH);
        while (!offer(full)) {
            if (stop.get()) {
                return false;
            }
        }
        return true;
    }

    private boolean offer(List<T> b) {
        try {
            return queue.offer(b, 100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.set(true);
            return false;
        }
    }

    /**
     * Replaying side: the next batch, or null once the reader has finished (then {@link #rethrow}).
     * An interrupted replay fails rather than ending as if the input had.
     */
    List<T> next() {
        List<T> b;
        try {
            b = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("replay interrupted", e);
        }
        return b == end ? null : b;
    }

    /** Replaying side, after {@link #next} gave null: the reader's failure, if it had one. */
    void rethrow() throws IOException {
        join();
        Throwable t = failure.get();
        if (t instanceof IOException io) {
            throw io;
        } else if (t instanceof RuntimeException re) {
            throw re;
        } else if (t != null) {
            throw new IllegalStateException("replay reader failed", t);
        }
    }

    /** Stops the reader (if it is still reading) and waits for it to end. */
    @Override
    public void close() {
        stop.set(true);
        queue.clear(); // a reader waiting for room sees the stop
        join();
    }

    private void join() {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
