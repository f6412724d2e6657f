package io.tripwire.cli.demo;

import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.engine.topology.DeadLetters;
import io.tripwire.engine.topology.TopicNames;
import io.tripwire.schemas.ActionResult;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.wire.AvroDeserializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Reads what the engine and executor write, as they write it (read_committed, from the beginning):
 * actions, results, signals and dead letters. Each action is handed to the {@link Listener} once
 * its result has arrived too (joined on actionId), so the live table shows both in one row.
 */
final class LiveFeed implements AutoCloseable {

    /** Called on the feed's thread for each action, once its first result is known. */
    @FunctionalInterface
    interface Listener {
        void actionWithResult(TripwireAction action, ActionResult result);
    }

    /** Everything read, in the order read. */
    record Snapshot(List<TripwireAction> actions, List<ActionResult> results, List<String> signals,
                    List<ReplayOutput.DeadLetter> deadLetters, List<TripwireAction> withoutResult) {
    }

    private final TopicNames topics;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroDeserializer<TripwireAction> actionReader = new AvroDeserializer<>(TripwireAction.class);
    private final AvroDeserializer<ActionResult> resultReader = new AvroDeserializer<>(ActionResult.class);
    private final Listener listener;
    private final Thread thread;

    private final List<TripwireAction> actions = new ArrayList<>();
    private final List<ActionResult> results = new ArrayList<>();
    private final List<String> signals = new ArrayList<>();
    private final List<ReplayOutput.DeadLetter> deadLetters = new ArrayList<>();
    private final Map<String, TripwireAction> awaitingResult = new LinkedHashMap<>();
    private final Map<String, ActionResult> firstResult = new HashMap<>();

    private volatile boolean started;
    private volatile boolean closing;
    private volatile long caughtUpCheckStarted;
    private volatile boolean caughtUp;
    private volatile Throwable failure;

    LiveFeed(Map<String, Object> clientConfig, TopicNames topics, Listener listener) {
        this.topics = topics;
        this.listener = listener;
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "tripwire-demo-feed");
        actionReader.configure(clientConfig, false);
        resultReader.configure(clientConfig, false);
        consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.assign(partitions(clientConfig, List.of(topics.actions(), topics.results(), topics.signals(), topics.deadLetter())));
        consumer.seekToBeginning(consumer.assignment());
        thread = new Thread(this::run, "tripwire-demo-feed");
        thread.setDaemon(true);
    }

    void start() {
        started = true;
        thread.start();
    }

    private static List<TopicPartition> partitions(Map<String, Object> clientConfig, List<String> names) {
        try (Admin admin = Admin.create(clientConfig)) {
            List<TopicPartition> out = new ArrayList<>();
            admin.describeTopics(names).allTopicNames().get().forEach((name, d) ->
                    d.partitions().forEach(p -> out.add(new TopicPartition(name, p.partition()))));
            return out;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe the demo topics: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void run() {
        try {
            while (!closing) {
                long checkStart = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    handle(r);
                }
                // positions at the (last stable) end offsets: everything committed so far has been read
                Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
                caughtUp = end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                caughtUpCheckStarted = checkStart;
            }
        } catch (WakeupException e) {
            // close()
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> r) {
        String topic = r.topic();
        if (topic.equals(topics.actions())) {
            TripwireAction a = actionReader.deserialize(topic, r.value());
            ActionResult result;
            synchronized (this) {
                actions.add(a);
                result = firstResult.get(a.getActionId());
                if (result == null) {
                    awaitingResult.put(a.getActionId(), a);
                }
            }
            if (result != null) {
                listener.actionWithResult(a, result);
            }
        } else if (topic.equals(topics.results())) {
            ActionResult res = resultReader.deserialize(topic, r.value());
            TripwireAction a;
            synchronized (this) {
                results.add(res);
                boolean first = firstResult.putIfAbsent(res.getActionId(), res) == null;
                a = first ? awaitingResult.remove(res.getActionId()) : null;
            }
            if (a != null) {
                listener.actionWithResult(a, res);
            }
        } else if (topic.equals(topics.signals())) {
            synchronized (this) {
                signals.add(new String(r.value(), StandardCharsets.UTF_8));
            }
        } else {
            synchronized (this) {
                deadLetters.add(deadLetter(r));
            }
        }
    }

    private static ReplayOutput.DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> r) {
        String raw = r.value() == null ? "" : r.value().length > 0 && r.value()[0] == '{'
                ? new String(r.value(), StandardCharsets.UTF_8)
                : r.value().length + " bytes (" + header(r, "__streams.errors.topic") + ", offset " + header(r, "__streams.errors.offset") + ")";
        return new ReplayOutput.DeadLetter(0, header(r, DeadLetters.REASON_HEADER), header(r, "__streams.errors.message"), raw);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Whether a check that started after {@code sinceNanos} found every partition read to its end. */
    boolean caughtUpSince(long sinceNanos) {
        return caughtUpCheckStarted - sinceNanos > 0 && caughtUp;
    }

    /** Why the feed stopped, if it stopped on an error. */
    Throwable failure() {
        return failure;
    }

    synchronized int actionCount() {
        return actions.size();
    }

    synchronized int awaitingResultCount() {
        return awaitingResult.size();
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(List.copyOf(actions), List.copyOf(results), List.copyOf(signals), List.copyOf(deadLetters),
                List.copyOf(awaitingResult.values()));
    }

    @Override
    public void close() {
        closing = true;
        if (!started) {
            consumer.close(Duration.ZERO);
            return;
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
