package io.tripwire.engine.replay;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionMergeTest {

    private record Ev(Instant ts, int topic, int partition, long offset, String name) {
        Ev(long second, int topic, int partition, long offset, String name) {
            this(Instant.ofEpochSecond(second), topic, partition, offset, name);
        }
    }

    /** The order topic replay sorts by (TopicReplay's Pending.ORDER): ts, topic, partition, offset. */
    private static final Comparator<Ev> SORTED = Comparator.comparing(Ev::ts).thenComparingInt(Ev::topic)
            .thenComparingInt(Ev::partition).thenComparingLong(Ev::offset);

    private static boolean add(PartitionMerge<Ev> merge, Ev e) {
        return merge.add(e.topic(), e.partition(), e);
    }

    /** What the merge gives now, in order. */
    private static List<Ev> drain(PartitionMerge<Ev> merge) {
        List<Ev> out = new ArrayList<>();
        for (Ev e = merge.poll(); e != null; e = merge.poll()) {
            out.add(e);
        }
        return out;
    }

    private static List<String> names(List<Ev> events) {
        return events.stream().map(Ev::name).toList();
    }

    @Test
    void givesTheOrderOfSortingEverythingWhateverOrderThePartitionsArriveIn() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            // 1-8 partitions of 0-40 events each, in ts order within each, many equal times across them
            int partitions = 1 + random.nextInt(8);
            List<List<Ev>> input = new ArrayList<>();
            List<Ev> all = new ArrayList<>();
            PartitionMerge<Ev> merge = new PartitionMerge<>(SORTED);
            for (int p = 0; p < partitions; p++) {
                int topic = p % 3;
                int partition = p / 3;
                merge.partition(topic, partition);
                List<Ev> events = new ArrayList<>();
                long t = random.nextInt(5);
                for (int i = random.nextInt(41); i > 0; i--) {
                    t += random.nextInt(3); // 0: equal times
                    events.add(new Ev(t, topic, partition, 100L + events.size(), null));
                }
                input.add(events);
                all.addAll(events);
            }
            all.sort(SORTED);

            // feed them in random interleavings, polling whatever is certain after each step
            List<Ev> out = new ArrayList<>();
            int[] next = new int[partitions];
            boolean[] finished = new boolean[partitions];
            int done = 0;
            while (done < partitions) {
                int p = random.nextInt(partitions);
                if (finished[p]) {
                    continue;
                }
                Ev e = next[p] < input.get(p).size() ? input.get(p).get(next[p]++) : null;
                if (e == null) {
                    finished[p] = true;
                    done++;
                    merge.finish(p % 3, p / 3);
                } else {
                    assertThat(add(merge, e)).isTrue();
                }
                out.addAll(drain(merge));
            }
            assertThat(out).as("round %d", round).containsExactlyElementsOf(all);
            assertThat(merge.buffered()).isZero();
        }
    }

    @Test
    void nothingComesOutWhileAPartitionNotReadToItsEndHasNothingBuffered() {
        PartitionMerge<Ev> merge = new PartitionMerge<>(SORTED);
        merge.partition(0, 0);
        merge.partition(1, 0);
        add(merge, new Ev(10, 0, 0, 0, "request@10"));
        assertThat(merge.poll()).as("topic 1 may still hold an earlier event").isNull();
        add(merge, new Ev(5, 1, 0, 0, "deny@5"));
        assertThat(merge.poll().name()).isEqualTo("deny@5");
        assertThat(merge.poll()).as("topic 1 is empty again and not finished").isNull();
        merge.finish(1, 0);
        assertThat(merge.poll().name()).isEqualTo("request@10");
        assertThat(merge.poll()).isNull();
    }

    @Test
    void equalTimesComeByTopicThenPartitionThenOffset() {
        PartitionMerge<Ev> merge = new PartitionMerge<>(SORTED);
        merge.partition(2, 0);
        merge.partition(0, 1);
        merge.partition(0, 0);
        add(merge, new Ev(1, 2, 0, 0, "t2p0"));
        add(merge, new Ev(1, 0, 1, 7, "t0p1"));
        add(merge, new Ev(1, 0, 0, 3, "t0p0@3"));
        add(merge, new Ev(1, 0, 0, 4, "t0p0@4"));
        merge.finish(2, 0);
        merge.finish(0, 1);
        merge.finish(0, 0);
        assertThat(names(drain(merge))).containsExactly("t0p0@3", "t0p0@4", "t0p1", "t2p0");
    }

    @Test
    void aPartitionOutOfTimeOrderIsRefusedAndNothingIsAdded() {
        PartitionMerge<Ev> merge = new PartitionMerge<>(SORTED);
        merge.partition(0, 0);
        assertThat(add(merge, new Ev(10, 0, 0, 0, "a"))).isTrue();
        assertThat(add(merge, new Ev(10, 0, 0, 1, "b"))).as("equal time is in order").isTrue();
        assertThat(add(merge, new Ev(9, 0, 0, 2, "c"))).isFalse();
        assertThat(merge.buffered(0, 0)).isEqualTo(2);
    }

    @Test
    void aPartitionThatWasNotAddedIsAnError() {
        PartitionMerge<Ev> merge = new PartitionMerge<>(SORTED);
        assertThatThrownBy(() -> add(merge, new Ev(0, 3, 1, 0, "x"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topic 3 partition 1");
    }
}
