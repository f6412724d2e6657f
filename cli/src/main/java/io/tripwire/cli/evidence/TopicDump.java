package io.tripwire.cli.evidence;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every committed record of one topic, from the start of each partition to its end offset taken
 * when the read begins (read_committed, assigned partitions: no group, no commits, nothing written),
 * with the offset range read of each partition for the evidence manifest.
 */
public final class TopicDump {

    public record Dump(List<ConsumerRecord<byte[], byte[]>> records, Map<String, long[]> offsets) {
    }

    private TopicDump() {
    }

    public static Dump read(Map<String, Object> client, String topic, Duration timeout) {
        Map<String, Object> c = new HashMap<>(client);
        c.remove("group.id");
        c.put("enable.auto.commit", false);
        c.put("isolation.level", "read_committed");
        c.put("allow.auto.create.topics", false);
        c.putIfAbsent("client.id", "tripwire-evidence");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        Map<String, long[]> offsets = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                return new Dump(out, offsets);
            }
            List<TopicPartition> tps = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, Long> begins = consumer.beginningOffsets(tps, timeout);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps, timeout);
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            tps.forEach(tp -> offsets.put(tp.topic() + "-" + tp.partition(), new long[] {begins.get(tp), ends.get(tp)}));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
                        out.add(r);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " did not reach its end offsets within " + timeout.toSeconds() + " s");
                }
            }
        }
        return new Dump(out, offsets);
    }
}
