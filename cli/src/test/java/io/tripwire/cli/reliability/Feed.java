package io.tripwire.cli.reliability;

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
                send(events.get(sent.get()));
                sent.incrementAndGet();
            }
            producer.flush();
        }, "feed");
        thread.setDaemon(true);
        thread.start();
    }

    private void send(WaveA.Event e) {
        producer.send(new ProducerRecord<>(names.topicOf(e.record()), e.tenant(), e.json().getBytes(StandardCharsets.UTF_8)), (md, ex) -> {
            if (ex != null) {
                failure.compareAndSet(null, ex);
            }
        });
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
