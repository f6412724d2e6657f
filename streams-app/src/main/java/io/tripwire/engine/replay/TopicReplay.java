package io.tripwire.engine.replay;

import io.tripwire.engine.replay.TopicDecoder.Pending;
import io.tripwire.engine.replay.TopicDecoder.Refused;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.topology.TopicNames;
import io.tripwire.signing.ActionSigner;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code replay --bootstrap-server … --from TS --to TS [--tenant T]} (SPEC section 5): replays a
 * time window of every topic the engine reads (the six input topics, and its OTLP and OPA topics:
 * {@link ReplayTopics}) as it reads it ({@link #replay}), or reads it into a {@link ReplayInput}
 * ({@link #read}, for a compare, the gate and evidence), leaving the cluster untouched.
 *
 * <ul>
 *   <li>No consumer group, no commits, no writes: partitions are {@code assign}ed, the start of each
 *       is {@code offsetsForTimes(from)} (for an OTLP or OPA topic, the margin before it) and its end
 *       the end offset taken before reading
 *       ({@code read_committed}: the last stable offset, so aborted and open transactions are not
 *       replayed). Topics are never auto-created.</li>
 *   <li>The window is on the Kafka record timestamp, {@code from <= timestamp < to} (the event time
 *       when producers set it, as {@code tripwire produce} does); on the OTLP and OPA topics, whose
 *       records are batches sent after the events they carry, on each event's own time
 *       ({@link ReplayTopics}). The events are then replayed in event-time ({@code ts}) order; equal
 *       times as {@link TopicDecoder.Pending#ORDER} says, so a replay is deterministic.</li>
 *   <li>With a tenant, only records keyed by that tenant are read (the engine keys by tenant and
 *       tenants do not share state), and of an OTLP or OPA record only that tenant's events.</li>
 *   <li>Records are decoded as the engine decodes them ({@link TopicDecoder}); one that does not
 *       decode is a dead letter with source {@code topic-partition@offset}; its raw form is the JSON
 *       text, or {@code base64:} and the bytes. Null values (tombstones) are skipped, as the engine skips them.</li>
 *   <li>{@link #read} holds the window in memory; {@link #replay} holds only what the merge of the
 *       partitions waits on while each partition is in {@code ts} order (else it falls back to
 *       {@link #read}).</li>
 * </ul>
 */
public final class TopicReplay {

    /** How long a broker may stay silent (metadata, offsets, fetches) before the read fails. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** {@link #replay}: events of one partition waiting in the merge (for a slower partition) before it is paused. */
    public static final int DEFAULT_MAX_BUFFERED = 50_000;

    private static final int PROGRESS_EVERY = 10_000;

    /**
     * The window: input topic records with {@code from <= timestamp < to} (with a tenant, only those
     * keyed by it); of the OTLP and OPA topics, the events whose own time is in it ({@link ReplayTopics}).
     */
    public record Window(Instant from, Instant to, String tenant) {
        public Window {
            if (!from.isBefore(to)) {
                throw new IllegalArgumentException("--from " + from + " must be before --to " + to);
            }
        }

        /** Whether an input topic's record is in the window: its Kafka timestamp, and with a tenant its key. */
        boolean holds(ConsumerRecord<byte[], byte[]> r) {
            return covers(Instant.ofEpochMilli(r.timestamp()))
                    && (tenant == null || r.key() != null && tenant.equals(new String(r.key(), StandardCharsets.UTF_8)));
        }

        /** Whether {@code t} is in {@code [from, to)}. */
        boolean covers(Instant t) {
            return !t.isBefore(from) && t.isBefore(to);
        }
    }

    /**
     * What was read: the input to replay, the input topics that do not exist (skipped), how many
     * records were scanned, and the offset range read of each partition ({@code topic-partition} ->
     * [first offset, end offset)), for an evidence manifest.
     */
    public record Read(ReplayInput input, List<String> missingTopics, long recordsScanned, Map<String, long[]> offsets) {
    }

    /** The cluster could not be read (unreachable, not authorized, no input topic, stalled). */
    public static final class ReadException extends RuntimeException {
        ReadException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Map<String, Object> consumerConfig;
    private final Map<String, ?> serdeConfig;
    private final ReplayTopics topics;
    private final Duration timeout;
    private final int maxBuffered;

    /** Reads the six input topics of {@code names} only (no OTLP or OPA topic). */
    public TopicReplay(Map<String, ?> clientProperties, Map<String, ?> serdeConfig, TopicNames names) {
        this(clientProperties, serdeConfig, ReplayTopics.inputsOf(names), DEFAULT_MAX_BUFFERED);
    }

    /** As above, {@link #replay} pausing a partition once {@code maxBuffered} of its events wait in the merge. */
    public TopicReplay(Map<String, ?> clientProperties, Map<String, ?> serdeConfig, TopicNames names, int maxBuffered) {
        this(clientProperties, serdeConfig, ReplayTopics.inputsOf(names), maxBuffered);
    }

    /**
     * @param clientProperties Kafka client settings: {@code bootstrap.servers} and any security
     *                         settings; the settings that keep the read side-effect free are forced
     * @param serdeConfig      settings of the input deserializer ({@code schema.registry.url}, …)
     * @param topics           the topics to read: the input topics, and the OTLP and OPA topics the engine reads
     */
    public TopicReplay(Map<String, ?> clientProperties, Map<String, ?> serdeConfig, ReplayTopics topics) {
        this(clientProperties, serdeConfig, topics, DEFAULT_MAX_BUFFERED);
    }

    /**
     * As above, {@link #replay} pausing a partition once {@code maxBuffered} of its events wait in the
     * merge for another partition (one poll's worth may come on top), until half of them are replayed.
     */
    public TopicReplay(Map<String, ?> clientProperties, Map<String, ?> serdeConfig, ReplayTopics topics, int maxBuffered) {
        if (maxBuffered < 2) {
            throw new IllegalArgumentException("maxBuffered must be at least 2, not " + maxBuffered);
        }
        this.maxBuffered = maxBuffered;
        this.consumerConfig = consumerConfig(clientProperties);
        this.serdeConfig = Map.copyOf(serdeConfig);
        this.topics = topics;
        this.timeout = Duration.ofMillis(Long.parseLong(String.valueOf(consumerConfig.get(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG))));
    }

    private static Map<String, long[]> offsetRanges(Map<TopicPartition, Long> starts, Map<TopicPartition, Long> ends) {
        Map<String, long[]> out = new java.util.TreeMap<>();
        starts.forEach((tp, start) -> out.put(tp.topic() + "-" + tp.partition(), new long[] {start, ends.get(tp)}));
        return out;
    }

    /** The consumer settings: {@code clientProperties} with no group, no commits, read_committed and no topic creation. */
    static Map<String, Object> consumerConfig(Map<String, ?> clientProperties) {
        Map<String, Object> c = new HashMap<>(clientProperties);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // only if retention removes records while we read
        c.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "tripwire-replay");
        c.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) DEFAULT_TIMEOUT.toMillis());
        c.putIfAbsent(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) DEFAULT_TIMEOUT.toMillis());
        c.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        return c;
    }

    /** Reads the window; {@code progress} gets phase {@code reading}: records scanned of those in the offset range. */
    public Read read(Window window, FileReplay.Progress progress) {
        return withConsumer(consumer -> read(consumer, window, progress));
    }

    /**
     * Reads and replays the window in one pass: a reading thread decodes the records and merges the
     * partitions into replay order ({@link PartitionMerge}), handing batches to this thread, which
     * replays them while the next ones are read. The result is that of {@link #read} then
     * {@link ReplayInput#replay}, with the events held only while the merge waits for a slower
     * partition. That needs each partition in {@code ts} order on its own; at the first record that
     * is not, the pass stops and the window is read into memory and sorted instead (the same
     * result, read twice). {@code progress} gets phase {@code replaying}: records scanned of those
     * in the offset range.
     */
    public Replayed replay(Window window, Rules rules, ActionSigner signer, FileReplay.Progress progress) {
        return replay(window, rules, signer, progress, missing -> { });
    }

    /** As above, telling {@code missingTopics} which input topics do not exist before the replay starts. */
    public Replayed replay(Window window, Rules rules, ActionSigner signer, FileReplay.Progress progress,
                           java.util.function.Consumer<List<String>> missingTopics) {
        Replayed streamed = withConsumer(consumer -> streamed(consumer, window, rules, signer, progress, missingTopics));
        if (streamed != null) {
            return streamed;
        }
        progress.update("a partition is not in time order: reading the window into memory to sort it", 0, 0);
        Read read = read(window, progress);
        ReplayOutput out = read.input().replay(rules, signer, progress);
        return new Replayed(out, read.missingTopics(), read.recordsScanned(), read.input().events().size(),
                read.input().rejected().size(), read.offsets(), false);
    }

    /**
     * What {@link #replay} gave: the output, and what was read as {@link Read} says it (the input
     * topics that do not exist, records scanned, events replayed, records refused while reading, the
     * offset range of each partition); {@code streamed} is false when it fell back to read-and-sort.
     */
    public record Replayed(ReplayOutput output, List<String> missingTopics, long recordsScanned, long events, long unreadable,
                           Map<String, long[]> offsets, boolean streamed) {
    }

    private <T> T withConsumer(java.util.function.Function<KafkaConsumer<byte[], byte[]>, T> work) {
        String servers = String.valueOf(consumerConfig.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return work.apply(consumer);
        } catch (io.tripwire.wire.SchemaRegistryException e) {
            throw new ReadException("cannot decode the Avro records: schema registry " + serdeConfig.get("schema.registry.url")
                    + ": " + e.getMessage(), e);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new ReadException("no answer from Kafka at " + servers + " within " + timeout.toSeconds() + " s ("
                    + e.getMessage() + "); is --bootstrap-server right and the cluster reachable?", e);
        } catch (KafkaException e) {
            throw new ReadException("cannot read from Kafka at " + servers + ": " + rootMessage(e), e);
        }
    }

    /** The partitions to read, assigned and positioned at the window's start, and their end offsets. */
    private record Plan(List<String> topics, List<String> missing, Map<TopicPartition, Long> starts, Map<TopicPartition, Long> ends,
                        long total) {
    }

    private Plan plan(KafkaConsumer<byte[], byte[]> consumer, Window window) {
        List<String> topics = this.topics.topics();
        List<String> missing = new ArrayList<>();
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos == null || infos.isEmpty()) {
                missing.add(topic);
            } else {
                infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
        }
        if (partitions.isEmpty()) {
            throw new ReadException("none of the input topics exists: " + String.join(", ", topics), null);
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> at = new HashMap<>();
        partitions.forEach(tp -> at.put(tp, this.topics.readFrom(tp.topic(), window.from())));
        Map<TopicPartition, Long> starts = new LinkedHashMap<>();
        long total = 0;
        for (Map.Entry<TopicPartition, OffsetAndTimestamp> e : consumer.offsetsForTimes(at).entrySet()) {
            long end = ends.get(e.getKey());
            if (e.getValue() != null && e.getValue().offset() < end) { // null: no record at or after from
                starts.put(e.getKey(), e.getValue().offset());
                total += end - e.getValue().offset();
            }
        }
        consumer.assign(starts.keySet());
        starts.forEach(consumer::seek);
        return new Plan(topics, List.copyOf(missing), starts, ends, total);
    }

    private Read read(KafkaConsumer<byte[], byte[]> consumer, Window window, FileReplay.Progress progress) {
        Plan plan = plan(consumer, window);
        List<Pending> events = new ArrayList<>();
        List<Refused> refused = new ArrayList<>();
        long scanned = scan(consumer, plan, window, "reading", progress, refused, new Scan() {
            @Override
            public boolean event(Pending p) {
                return events.add(p);
            }
        });
        progress.update("reading", plan.total(), plan.total());
        events.sort(Pending.ORDER);
        refused.sort(Refused.ORDER);
        return new Read(new ReplayInput(events.stream().map(Pending::event).toList(), refused.stream().map(Refused::deadLetter).toList()),
                plan.missing(), scanned, offsetRanges(plan.starts(), plan.ends()));
    }

    /** What a pass over the window does with what it reads. */
    private interface Scan {
        /** A decoded event in the window, its partition's next; false stops the pass. */
        boolean event(Pending p);

        /** The partition is read to its end. */
        default void finished(TopicPartition tp) {
        }

        /** After each poll's records, with the partitions still to read; false stops the pass. */
        default boolean polled(Set<TopicPartition> open) {
            return true;
        }
    }

    /**
     * Reads the planned partitions to their end offsets, handing each decoded event in the window to
     * {@code scan} and adding each that does not decode to {@code refused}; the records scanned (a
     * stopped pass: so far). Fails when no partition advances for the timeout.
     */
    private long scan(KafkaConsumer<byte[], byte[]> consumer, Plan plan, Window window, String phase, FileReplay.Progress progress,
                      List<Refused> refused, Scan scan) {
        TopicDecoder decoder = new TopicDecoder(topics, serdeConfig);
        Map<TopicPartition, Long> ends = plan.ends();
        Set<TopicPartition> open = new HashSet<>(plan.starts().keySet());
        long scanned = 0;
        long lastProgress = System.nanoTime();
        while (!open.isEmpty()) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
            for (ConsumerRecord<byte[], byte[]> r : records) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                if (r.offset() >= ends.get(tp)) {
                    continue; // written after the read began
                }
                if (++scanned % PROGRESS_EVERY == 0) {
                    progress.update(phase, scanned, plan.total());
                }
                TopicDecoder.Decoded d = decoder.decode(r, window);
                if (d.refused() != null) {
                    refused.add(d.refused());
                }
                for (Pending p : d.events()) {
                    if (!scan.event(p)) {
                        return scanned;
                    }
                }
            }
            boolean advanced = !records.isEmpty();
            for (TopicPartition tp : List.copyOf(open)) {
                if (consumer.position(tp) >= ends.get(tp)) { // also past transaction markers and aborted records
                    open.remove(tp);
                    consumer.pause(List.of(tp));
                    scan.finished(tp);
                    advanced = true;
                }
            }
            if (!scan.polled(open)) {
                return scanned;
            }
            if (advanced) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > timeout.toNanos()) {
                throw new ReadException("reading stalled for " + timeout.toSeconds() + " s with partitions still to read: " + open, null);
            }
        }
        return scanned;
    }

    /** {@link #replay}'s one pass; null when a partition turned out not to be in {@code ts} order. */
    private Replayed streamed(KafkaConsumer<byte[], byte[]> consumer, Window window, Rules rules, ActionSigner signer,
                              FileReplay.Progress progress, java.util.function.Consumer<List<String>> missingTopics) {
        Plan plan = plan(consumer, window);
        missingTopics.accept(plan.missing());
        Merging reading = new Merging(consumer, plan, window, progress);
        try (Handoff<Pending> handoff = new Handoff<>(reading); ReplayEngine engine = new ReplayEngine(rules, signer)) {
            long events = 0;
            for (List<Pending> b = handoff.next(); b != null; b = handoff.next()) {
                for (Pending p : b) {
                    engine.send(p.event().event(), 0, p.event().source(), p.event().raw());
                }
                events += b.size();
            }
            try {
                handoff.rethrow(); // a RuntimeException as is, translated by withConsumer as read's are
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e); // the reader does no file I/O
            }
            if (reading.outOfOrder) {
                return null;
            }
            ReplayOutput out = engine.output();
            List<Refused> refused = new ArrayList<>(reading.refused);
            refused.sort(Refused.ORDER);
            // as ReplayInput.replay gives them: refused while reading (by topic, partition, offset), then by the engine
            List<ReplayOutput.DeadLetter> dead = new ArrayList<>(refused.stream().map(Refused::deadLetter).toList());
            dead.addAll(out.deadLetters());
            progress.update("replaying", plan.total(), plan.total());
            return new Replayed(out.withDeadLetters(dead), plan.missing(),
                    reading.scanned, events, refused.size(), offsetRanges(plan.starts(), plan.ends()), true);
        }
    }

    /**
     * The reading side of {@link #streamed}, on the {@link Handoff}'s thread: polls, decodes, merges
     * the partitions, and hands the merged events over. A partition with {@code maxBuffered} events
     * waiting is paused until the merge has taken half of them, so memory stays bounded.
     */
    private final class Merging implements Handoff.Reader<Pending> {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Plan plan;
        private final Window window;
        private final FileReplay.Progress progress;
        private final PartitionMerge<Pending> merge = new PartitionMerge<>(Pending.ORDER);
        final List<Refused> refused = new ArrayList<>();
        volatile boolean outOfOrder;
        volatile long scanned;

        Merging(KafkaConsumer<byte[], byte[]> consumer, Plan plan, Window window, FileReplay.Progress progress) {
            this.consumer = consumer;
            this.plan = plan;
            this.window = window;
            this.progress = progress;
            plan.starts().keySet().forEach(tp -> merge.partition(topic(tp), tp.partition()));
        }

        private int topic(TopicPartition tp) {
            return plan.topics().indexOf(tp.topic());
        }

        @Override
        public void read(Handoff<Pending> out) {
            Set<TopicPartition> paused = new HashSet<>();
            boolean[] stopped = {false};
            scanned = scan(consumer, plan, window, "replaying", progress, refused, new Scan() {
                @Override
                public boolean event(Pending p) {
                    if (!merge.add(p.topic(), p.partition(), p)) {
                        outOfOrder = true;
                        stopped[0] = true;
                    }
                    return !stopped[0];
                }

                @Override
                public void finished(TopicPartition tp) {
                    paused.remove(tp);
                    merge.finish(topic(tp), tp.partition());
                }

                @Override
                public boolean polled(Set<TopicPartition> open) {
                    if (!drain(out)) {
                        stopped[0] = true;
                        return false;
                    }
                    for (TopicPartition tp : open) {
                        int waiting = merge.buffered(topic(tp), tp.partition());
                        if (waiting >= maxBuffered && paused.add(tp)) {
                            consumer.pause(List.of(tp));
                        } else if (waiting < maxBuffered / 2 && paused.remove(tp)) {
                            consumer.resume(List.of(tp));
                        }
                    }
                    return true;
                }
            });
            if (!stopped[0]) {
                drain(out);
            }
        }

        /** Hands over what the merge can give now; false once the replaying side stopped. */
        private boolean drain(Handoff<Pending> out) {
            for (Pending p = merge.poll(); p != null; p = merge.poll()) {
                if (!out.add(p)) {
                    return false;
                }
            }
            return !out.stopped();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? e.getMessage() : e.getMessage() + ": " + t.getMessage();
    }
}
