package io.tripwire.cli.reliability;

import io.tripwire.engine.topology.TopicNames;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8, scale-out: two engine JVMs with the same application id and {@code num.standby.replicas:
 * 1} (each its own state dir) share 4-partition input topics. The one running TENANT_004's task
 * (the busiest story: error budget, burn rates, latency, replica lag, the broken freeze) is killed
 * -9 mid-stream; the other takes its tasks over (from its standby copies) and the committed actions
 * are exactly those of an uninterrupted run.
 */
class EngineScaleOutIT extends OnBroker {

    private static final int PARTITIONS = 4;

    @Test
    void killingOneOfTwoInstancesMidStreamGivesTheActionsOfACleanRun() throws Exception {
        long started = System.nanoTime();
        List<WaveA.Event> events = WaveA.events();
        WaveA.reference();
        String appId = "scale-out-it";
        TopicNames names = Reliability.createTopics(kafka, "scale.", PARTITIONS);
        Path work = Reliability.freshDir("scale-out");
        Map<String, EngineProcess> engines = new TreeMap<>();
        for (String id : List.of("engine-a", "engine-b")) {
            Path config = Reliability.engineConfig(work, id + ".yaml", appId, "scale.", kafka, work.resolve("state-" + id),
                    "num.standby.replicas: 1", "client.id: " + id);
            engines.put(id, closeLater(EngineProcess.start("scale-out-" + id, config)));
        }
        for (EngineProcess e : engines.values()) {
            e.awaitRunning(Duration.ofSeconds(120));
        }
        // both instances hold active tasks before any data exists (so the assignment is balanced)
        Map<String, TreeSet<Integer>> assignment = awaitAssignment(appId, names, 2, Duration.ofSeconds(120));
        int busiest = partitionOf("TENANT_004");
        String victim = assignment.entrySet().stream().filter(e -> e.getValue().contains(busiest)).findFirst().orElseThrow().getKey();
        String survivor = victim.equals("engine-a") ? "engine-b" : "engine-a";
        System.out.printf("EngineScaleOutIT: tasks %s; TENANT_004 is on partition %d%n", assignment, busiest);

        EngineProcess[] all = engines.values().toArray(EngineProcess[]::new);
        Feed feed = closeLater(new Feed(kafka.clientConfig(), names, events))
                .beforeOrdered(() -> Reliability.awaitCaughtUp(kafka, appId, names, Duration.ZERO, Duration.ofSeconds(120), all));
        feed.sendNow(WaveA.indexAt(events, EngineCrashIT.BACKLOG_UNTIL));
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (Reliability.readActions(kafka, names).size() < EngineCrashIT.BACKLOG_ACTIONS) {
            assertThat(System.nanoTime()).as("%d actions within 120 s", EngineCrashIT.BACKLOG_ACTIONS).isLessThan(end);
            Thread.sleep(250);
        }

        // when the instance running TENANT_004 is killed -9 while events keep arriving
        feed.start(800);
        feed.awaitPast(EngineCrashIT.KILL_AFTER, Duration.ofSeconds(120));
        int before = Reliability.readActions(kafka, names).size();
        engines.get(victim).kill();
        System.out.printf("EngineScaleOutIT: killed %s (pid %d) at event time %s (%d of %d events sent), %d actions committed%n",
                victim, engines.get(victim).pid(), feed.lastSentTs(), feed.sent(), events.size(), before);
        assertThat(before).as("killed mid-stream, after some actions and before the last").isBetween(EngineCrashIT.BACKLOG_ACTIONS, WaveA.reference().size() - 1);

        // then the survivor takes over every task and the committed actions are exactly the clean run's
        Map<String, TreeSet<Integer>> after = awaitAssignment(appId, names, 1, Duration.ofSeconds(120));
        assertThat(after).containsOnlyKeys(survivor);
        System.out.printf("EngineScaleOutIT: %s took over, tasks %s%n", survivor, after);
        feed.awaitDone(Duration.ofSeconds(120));
        Reliability.awaitCaughtUp(kafka, appId, names, Duration.ofSeconds(3), Duration.ofSeconds(180), engines.get(survivor));
        List<String> actions = Reliability.readActions(kafka, names);
        System.out.printf("EngineScaleOutIT: %d actions committed (clean run %d) in %d s%n", actions.size(), WaveA.reference().size(),
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
        Reliability.assertSameActionsAsCleanRun(actions);
        assertThat(engines.get(survivor).isAlive()).as(engines.get(survivor).tail()).isTrue();
    }

    /** The partition the default partitioner gives a tenant's events. */
    private static int partitionOf(String tenant) {
        return Utils.toPositive(Utils.murmur2(tenant.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    /**
     * Waits until the group is stable with {@code members} engine instances (each has a group member
     * per stream thread) whose active tasks (input partitions) cover every partition, each instance
     * some; returns client.id prefix to partition numbers.
     */
    private static Map<String, TreeSet<Integer>> awaitAssignment(String appId, TopicNames names, int members, Duration timeout)
            throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        Map<String, TreeSet<Integer>> tasks = Map.of();
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            while (System.nanoTime() < end) {
                try {
                    ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(appId)).describedGroups().get(appId).get();
                    tasks = new TreeMap<>();
                    int covered = 0;
                    for (MemberDescription m : g.members()) {
                        String who = m.clientId().startsWith("engine-a") ? "engine-a" : m.clientId().startsWith("engine-b") ? "engine-b"
                                : m.clientId();
                        TreeSet<Integer> parts = tasks.computeIfAbsent(who, k -> new TreeSet<>());
                        for (TopicPartition tp : m.assignment().topicPartitions()) {
                            if (tp.topic().equals(names.requests())) {
                                parts.add(tp.partition());
                                covered++;
                            }
                        }
                    }
                    // a member per stream thread: count instances (engine-a, engine-b), whatever their thread count
                    if (tasks.size() == members && covered == PARTITIONS && tasks.values().stream().noneMatch(TreeSet::isEmpty)
                            && g.groupState() == GroupState.STABLE) {
                        return tasks;
                    }
                } catch (java.util.concurrent.ExecutionException ignored) {
                    // group not there yet
                }
                Thread.sleep(250);
            }
        }
        throw new AssertionError("group " + appId + " did not settle on " + members + " members with all tasks within " + timeout
                + "; last seen " + tasks);
    }
}
