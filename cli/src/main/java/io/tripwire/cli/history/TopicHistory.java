package io.tripwire.cli.history;

import io.tripwire.cli.TopicOptions;
import io.tripwire.cli.evidence.TopicDump;
import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.replay.ReplayInput;
import io.tripwire.engine.replay.TopicReplay;
import io.tripwire.engine.rules.Rules;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.wire.DecodeException;
import io.tripwire.wire.InputDeserializer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Topic mode's history: what the engine did before a window, from its own topics. The action topic
 * ({@code tripwire-actions}, read whole) holds every hold and firing it opened, and
 * {@code hitl-overrides} (read whole) every approval; a partition that retention has shortened
 * (log start offset above 0) may have held one that is still open, which is a {@link CarryIn.Gap}.
 * Recorded topics with no action topic (no engine ran on them) are read as a file is: their earlier
 * events are the history. Nothing is written and no consumer group is used.
 */
public final class TopicHistory {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /**
     * @param actions       the action records of the tenant (every tenant when none), in topic order
     * @param actionOffsets {@code topic-partition} -> [log start offset, end offset) read, for an evidence manifest
     * @param overrides     the overrides of the tenant that decode (the engine dead-letters the others)
     * @param overrideOffsets as {@code actionOffsets}, of the override topic
     */
    public record Read(List<TripwireAction> actions, Map<String, long[]> actionOffsets, List<HumanOverride> overrides,
                       Map<String, long[]> overrideOffsets, List<CarryIn.Gap> gaps) {
    }

    private TopicHistory() {
    }

    /** Reads the action and override topics; {@code tenant} null for every tenant. */
    public static Read read(TopicOptions topics, String tenant) throws IOException {
        Map<String, Object> client = topics.client();
        String actionsTopic = topics.names().actions();
        TopicDump.Dump a = TopicDump.read(client, actionsTopic, TIMEOUT);
        InputDeserializer<TripwireAction> actionReader = new InputDeserializer<>(TripwireAction.class);
        actionReader.configure(topics.serde(), false);
        List<TripwireAction> actions = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : a.records()) {
            if (r.value() != null) {
                TripwireAction x = actionReader.deserialize(r.topic(), r.value()); // as evidence reads it: a record that does not decode is an error
                if (tenant == null || x.getTenant().equals(tenant)) {
                    actions.add(x);
                }
            }
        }
        List<CarryIn.Gap> gaps = new ArrayList<>();
        gaps.addAll(shortened(a, actionsTopic, "a hold or firing opened before it and still open would not be seen", CarryIn.Hides.HOLDS,
                v -> actionReader.deserialize(actionsTopic, v).getFiredAt()));

        String overridesTopic = topics.names().overrides();
        TopicDump.Dump o = TopicDump.read(client, overridesTopic, TIMEOUT);
        InputDeserializer<HumanOverride> overrideReader = new InputDeserializer<>(HumanOverride.class);
        overrideReader.configure(topics.serde(), false);
        List<HumanOverride> overrides = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : o.records()) {
            HumanOverride x = decodeOrNull(overrideReader, r);
            if (x != null && (tenant == null || x.getTenant().equals(tenant))) {
                overrides.add(x);
            }
        }
        gaps.addAll(shortened(o, overridesTopic, "an approval to enact given before it and still in force would not be seen",
                CarryIn.Hides.APPROVALS, v -> overrideReader.deserialize(overridesTopic, v).getTs()));
        return new Read(actions, a.offsets(), overrides, o.offsets(), gaps);
    }

    /**
     * Topic mode's carry-in of {@code [from, to)}: planned from the engine's own account
     * ({@code history}); where there is none (no action topic: recorded topics no engine ran on), from
     * the input topics' events before the lookback, replayed once, as file mode does with a file.
     */
    public static CarryIn carryIn(TopicOptions topics, String tenant, Instant from, Instant to, Rules rules, Read history,
                                  FileReplay.Progress progress) throws IOException {
        if (!history.actionOffsets().isEmpty()) {
            return CarryIn.plan(from, to, rules, history.actions(), history.overrides(), history.gaps());
        }
        Instant start = from.minus(Lookback.of(rules).span());
        List<ReplayInput.Event> earlier = start.isAfter(Instant.EPOCH)
                ? topics.read(new TopicReplay.Window(Instant.EPOCH, start, tenant), progress).input().events() : List.of();
        List<CarryIn.Gap> gaps = new ArrayList<>(history.gaps());
        Map<String, Instant> shortened = shortenedInputs(topics, topics.topics().topics(), Instant.EPOCH);
        if (!shortened.isEmpty()) {
            gaps.add(new CarryIn.Gap("there is no " + topics.names().actions() + " to read what the engine held open, and the input "
                    + "topics have lost their oldest records (left: " + list(shortened) + "): a hold opened before them would not be "
                    + "seen", CarryIn.Hides.HOLDS));
        }
        return CarryIn.ofEvents(earlier, from, to, rules).withGaps(gaps);
    }

    /** The input topics that no longer reach back to {@code replayFrom} (their oldest records left are at or after it), or none. */
    public static List<CarryIn.Gap> inputsFrom(TopicOptions topics, List<String> inputTopics, Instant replayFrom) throws IOException {
        Map<String, Instant> oldest = shortenedInputs(topics, inputTopics, replayFrom);
        if (oldest.isEmpty()) {
            return List.of();
        }
        return List.of(new CarryIn.Gap("the input topics no longer hold the events from " + replayFrom + " that the replay needed "
                + "(retention deleted the oldest; left: " + list(oldest) + ")", CarryIn.Hides.HOLDS));
    }

    /**
     * The partitions of {@code inputTopics} whose log start offset is above 0 and whose oldest record
     * left is at or after {@code since}, with that record's time (records from {@code since} on may be
     * gone). Partitions retention has emptied are not counted: their records were older still.
     */
    private static Map<String, Instant> shortenedInputs(TopicOptions topics, List<String> inputTopics, Instant since) throws IOException {
        Map<String, Object> c = new HashMap<>(topics.client());
        c.remove("group.id");
        c.put("enable.auto.commit", false);
        c.put("allow.auto.create.topics", false);
        c.putIfAbsent("client.id", "tripwire-history");
        Map<String, Instant> oldest = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (String topic : inputTopics) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
                if (infos != null) {
                    infos.forEach(p -> tps.add(new TopicPartition(topic, p.partition())));
                }
            }
            Map<TopicPartition, Long> begins = consumer.beginningOffsets(tps, TIMEOUT);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps, TIMEOUT);
            Map<TopicPartition, Long> zero = new HashMap<>();
            tps.stream().filter(tp -> begins.get(tp) > 0 && begins.get(tp) < ends.get(tp)).forEach(tp -> zero.put(tp, 0L));
            if (!zero.isEmpty()) {
                for (Map.Entry<TopicPartition, OffsetAndTimestamp> e : consumer.offsetsForTimes(zero, TIMEOUT).entrySet()) {
                    if (e.getValue() != null && e.getValue().timestamp() >= since.toEpochMilli()) {
                        oldest.put(e.getKey().topic() + "-" + e.getKey().partition(), Instant.ofEpochMilli(e.getValue().timestamp()));
                    }
                }
            }
        }
        return oldest;
    }

    private static String list(Map<String, Instant> oldest) {
        List<String> parts = new ArrayList<>();
        oldest.forEach((tp, t) -> parts.add(tp + " from " + t));
        return String.join(", ", parts);
    }

    /** One gap naming the partitions retention has shortened and the time of the oldest record each has left, or none. */
    private static List<CarryIn.Gap> shortened(TopicDump.Dump d, String topic, String consequence, CarryIn.Hides hides,
                                               Function<byte[], Instant> timeOf) {
        Map<Integer, ConsumerRecord<byte[], byte[]>> first = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : d.records()) {
            first.merge(r.partition(), r, (x, y) -> x.offset() <= y.offset() ? x : y);
        }
        List<String> parts = new ArrayList<>();
        d.offsets().forEach((tp, range) -> {
            if (range[0] > 0) {
                int partition = Integer.parseInt(tp.substring(tp.lastIndexOf('-') + 1));
                ConsumerRecord<byte[], byte[]> r = first.get(partition);
                parts.add(r == null || r.value() == null ? tp + " holds none of its " + range[0] + " records"
                        : tp + " starts at offset " + range[0] + ", " + timeOf(r, timeOf));
            }
        });
        if (parts.isEmpty()) {
            return List.of();
        }
        return List.of(new CarryIn.Gap(topic + " has lost its oldest records to retention (" + String.join("; ", parts) + "): "
                + consequence + " (keep it with retention.ms=-1)", hides));
    }

    /** The event time of a record, or its Kafka timestamp when it does not decode. */
    private static Instant timeOf(ConsumerRecord<byte[], byte[]> r, Function<byte[], Instant> timeOf) {
        try {
            return timeOf.apply(r.value());
        } catch (DecodeException e) {
            return Instant.ofEpochMilli(r.timestamp());
        }
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> T decodeOrNull(InputDeserializer<T> reader, ConsumerRecord<byte[], byte[]> r) {
        try {
            return r.value() == null ? null : reader.deserialize(r.topic(), r.value());
        } catch (DecodeException e) {
            return null;
        }
    }
}
