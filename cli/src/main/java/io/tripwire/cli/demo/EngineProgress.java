package io.tripwire.cli.demo;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How far the engine has got through its input topics: the offsets its consumer group
 * ({@code application.id}) has committed, against the topics' end offsets. Under exactly_once_v2
 * an offset is committed in the same transaction as the actions, signals and dead letters of the
 * records before it, so "committed = end" means every input record has been processed and its
 * output is visible to read_committed readers.
 */
final class EngineProgress implements AutoCloseable {

    /** Records processed (committed) and records in the topics (end offsets), summed over the input partitions. */
    record Position(long processed, long end) {

        boolean complete() {
            return processed >= end;
        }
    }

    private final Admin admin;
    private final String groupId;
    private final List<TopicPartition> partitions;

    EngineProgress(Map<String, Object> adminConfig, String groupId, List<String> inputTopics, int partitionsPerTopic) {
        this.admin = Admin.create(adminConfig);
        this.groupId = groupId;
        this.partitions = inputTopics.stream()
                .flatMap(t -> java.util.stream.IntStream.range(0, partitionsPerTopic).mapToObj(p -> new TopicPartition(t, p)))
                .toList();
    }

    Position position() throws InterruptedException {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            long processed = 0;
            long end = 0;
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                processed += c == null ? 0 : c.offset();
                end += ends.get(tp).offset();
            }
            return new Position(processed, end);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the engine's progress: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
