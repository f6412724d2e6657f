package io.tripwire.cli.history;

import io.tripwire.cli.TopicOptions;
import io.tripwire.cli.evidence.TopicDump;
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
 * Nothing is written and no consumer group is used.
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
        if (a.offsets().isEmpty()) {
            gaps.add(new CarryIn.Gap(actionsTopic + " does not exist: a hold the engine opened before the replay began was not "
                    + "looked for", CarryIn.Hides.HOLDS));
        }
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
     * The input topics that no longer reach back to {@code replayFrom}: a partition whose log start
     * offset is above 0 and whose oldest record left is at or after it (records of the carry-in may
     * be gone). Partitions retention has emptied are not counted: their records were older still.
     */
    public static List<CarryIn.Gap> inputsFrom(TopicOptions topics, List<String> inputTopics, Instant replayFrom) throws IOException {
        Map<String, Object> c = new HashMap<>(topics.client());
        c.remove("group.id");
        c.put("enable.auto.commit", false);
        c.put("allow.auto.create.topics", false);
        c.putIfAbsent("client.id", "tripwire-history");
        Map<String, Instant> oldest = new TreeMap<>(); // topic-partition -> oldest record left, where the log was shortened
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
                    if (e.getValue() != null && e.getValue().timestamp() >= replayFrom.toEpochMilli()) {
                        oldest.put(e.getKey().topic() + "-" + e.getKey().partition(), Instant.ofEpochMilli(e.getValue().timestamp()));
                    }
                }
            }
        }
        if (oldest.isEmpty()) {
            return List.of();
        }
        List<String> parts = new ArrayList<>();
        oldest.forEach((tp, t) -> parts.add(tp + " from " + t));
        return List.of(new CarryIn.Gap("the input topics no longer hold the events from " + replayFrom + " that the replay needed "
                + "(retention deleted the oldest; left: " + String.join(", ", parts) + ")", CarryIn.Hides.HOLDS));
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
