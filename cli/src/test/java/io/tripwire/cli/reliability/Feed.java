package io.tripwire.cli.reliability;

import io.tripwire.cli.InputTopics;
import io.tripwire.engine.topology.TopicNames;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Produces the scenario's events, in timestamp order, keyed by tenant, in their JSON form, as a
 * gateway would: {@link #sendNow} for a backlog, {@link #start} for a paced live stream on its own
 * thread. One idempotent producer, so each partition holds its events in the order sent, across
 * broker restarts too.
 */
final class Feed implements AutoCloseable {

    private final List<WaveA.Event> events;
    private final TopicNames names;
    private final KafkaProducer<String, byte[]> producer;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private Thread thread;
    /** Run before a rollout step or an override is sent (see {@link #beforeOrdered}); none by default. */
    private volatile ThrowingRunnable beforeOrdered = () -> { };

    /** A wait that may fail or be interrupted. */
    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    Feed(Map<String, Object> clientConfig, TopicNames names, List<WaveA.Event> events) {
        this.events = events;
        this.names = names;
        Map<String, Object> cfg = new HashMap<>(clientConfig);
        cfg.put("acks", "all");
        cfg.put("enable.idempotence", true);
        cfg.put("linger.ms", 5);
        cfg.put("delivery.timeout.ms", 180_000); // rides out a broker restart
        cfg.put("max.block.ms", 180_000);
        this.producer = new KafkaProducer<>(cfg, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Waits with {@code wait} before each rollout step or override, once every earlier event is on
     * the broker. The feed compresses a recording's minutes into a backlog: an approval that a pilot
     * sends half an hour after the simulation decisions it is judged on arrives here a few
     * milliseconds after them. The engine merges its inputs in event-time order as far as its
     * consumer knows what is on the broker, and under a backlog that knowledge can be a fetch behind
     * (a partition's lag read as caught up before its latest batches), so such an approval could be
     * judged on part of them. A test that compares with a clean run waits for the engine to have
     * read what came before, as the minutes in between would have let it.
     */
    Feed beforeOrdered(ThrowingRunnable wait) {
        this.beforeOrdered = wait;
        return this;
    }

    /** Sends the events up to (excluding) index {@code to} at once, and flushes. */
    void sendNow(int to) {
        while (sent.get() < to) {
            send(events.get(sent.get()));
            sent.incrementAndGet();
        }
        producer.flush();
        check();
    }

    /** Sends the rest on a thread, {@code perSecond} events a second. */
    void start(int perSecond) {
        thread = new Thread(() -> {
            long started = System.nanoTime();
            int first = sent.get();
            while (sent.get() < events.size() && !Thread.currentThread().isInterrupted()) {
                long due = started + (long) ((sent.get() - first) * 1e9 / perSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                try {
                    send(events.get(sent.get()));
                } catch (RuntimeException | AssertionError ex) {
                    failure.compareAndSet(null, new IllegalStateException(ex)); // reported by the next check()
                    return;
                }
                sent.incrementAndGet();
            }
            producer.flush();
        }, "feed");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Sends one event. Around a rollout step or an override it flushes, as {@code tripwire produce}
     * does ({@link InputTopics#ordersOthers}): one producer does not keep its order across
     * partitions, so without the flush such an event can be on the broker before earlier ones. That
     * alone does not order what engines that are already consuming read: see {@link #beforeOrdered}.
     */
    private void send(WaveA.Event e) {
        boolean ordered = InputTopics.ordersOthers(e.record());
        if (ordered) {
            producer.flush();
            try {
                beforeOrdered.run();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted before " + e.json(), ie);
            } catch (Exception ex) {
                throw new AssertionError("waiting before " + e.json(), ex);
            }
        }
        producer.send(new ProducerRecord<>(names.topicOf(e.record()), e.tenant(), e.json().getBytes(StandardCharsets.UTF_8)), (md, ex) -> {
            if (ex != null) {
                failure.compareAndSet(null, ex);
            }
        });
        if (ordered) {
            producer.flush();
        }
    }

    /** Event time of the last event sent (or the epoch before the first). */
    Instant lastSentTs() {
        int n = sent.get();
        return n == 0 ? Instant.EPOCH : events.get(n - 1).ts();
    }

    int sent() {
        return sent.get();
    }

    /** Waits until the feed has sent every event before {@code ts}. */
    void awaitPast(Instant ts, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (lastSentTs().isBefore(ts) && sent.get() < events.size()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("feed not past " + ts + " within " + timeout + " (at " + lastSentTs() + ")");
            }
            check();
            Thread.sleep(20);
        }
    }

    /** Waits until every event was sent and acknowledged. */
    void awaitDone(Duration timeout) throws InterruptedException {
        if (thread != null) {
            thread.join(timeout.toMillis());
            if (thread.isAlive()) {
                throw new AssertionError("feed not done within " + timeout + " (sent " + sent.get() + " of " + events.size() + ")");
            }
        }
        producer.flush();
        check();
    }

    private void check() {
        if (failure.get() != null) {
            throw new AssertionError("producing an event failed", failure.get());
        }
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
        }
        producer.close(Duration.ofSeconds(10));
    }
}
