package io.tripwire.cli.demo;

import io.tripwire.wire.AvroSerializer;
import io.tripwire.cli.InputTopics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Plays a scenario into the input topics on its own thread: each event, in timestamp order, as an
 * Avro record (Schema Registry wire format) keyed by tenant, with its event time as the record
 * timestamp. Event time is what the engine decides on, so by default it plays as fast as the broker
 * takes it; {@code speed} > 0 paces it at that many times real time (120: an hour in 30 s).
 */
final class ScenarioPlayer {

    private final Scenario scenario;
    private final Map<String, Object> clientConfig;
    private final double speed;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean done;
    private volatile boolean stopping;

    ScenarioPlayer(Scenario scenario, Map<String, Object> clientConfig, double speed) {
        this.scenario = scenario;
        this.clientConfig = clientConfig;
        this.speed = speed;
        this.thread = new Thread(this::play, "tripwire-demo-player");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Events the broker has acknowledged. */
    long acked() {
        return acked.get();
    }

    /** Whether every event was sent and acknowledged (or playing failed: see {@link #failure()}). */
    boolean done() {
        return done;
    }

    Throwable failure() {
        return failure.get();
    }

    void stop() {
        stopping = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void play() {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "tripwire-demo-player");
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        c.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
        values.configure(clientConfig, false);
        long startNanos = System.nanoTime();
        long firstMillis = scenario.first().toEpochMilli();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(c, new StringSerializer(), values)) {
            for (Scenario.Event e : scenario.events()) {
                if (stopping) {
                    break;
                }
                pace(startNanos, e.ts().toEpochMilli() - firstMillis);
                InputTopics.send(producer, new ProducerRecord<>(e.topic(), null, e.ts().toEpochMilli(), e.tenant(), e.record()),
                        (meta, ex) -> {
                            if (ex == null) {
                                acked.incrementAndGet();
                            } else {
                                failure.compareAndSet(null, ex);
                            }
                        });
            }
            producer.flush();
        } catch (RuntimeException | InterruptedException e) {
            failure.compareAndSet(null, e);
        } finally {
            done = true;
        }
    }

    /** With a speed, waits until the wall clock has caught up with the event's offset into the scenario. */
    private void pace(long startNanos, long eventOffsetMillis) throws InterruptedException {
        if (speed <= 0) {
            return;
        }
        long dueNanos = startNanos + (long) (Duration.ofMillis(eventOffsetMillis).toNanos() / speed);
        long wait = dueNanos - System.nanoTime();
        if (wait > 1_000_000) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
