package io.tripwire.cli.reliability;

import io.tripwire.engine.topology.TopicNames;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8: the engine, in its own JVM, is killed with {@code kill -9} in the middle of the Wave A
 * stream, while events keep arriving, and restarted with the same application id and config. The
 * committed actions (read_committed) are exactly those of an uninterrupted run: nothing twice,
 * nothing lost, no held-for run or window forgotten.
 *
 * <p>The kill falls at about 10:31 event time: burn-rate-slow is firing and burn-rate-fast is past
 * its threshold but not yet significant (fires 10:39:46, its pastSince from before the kill),
 * TENANT_003's ingest-errors run of significant evaluations is open (fires 10:43:42), the
 * read-latency (fires 10:36) and replica-lag (10:35) held-for runs are open, TENANT_004's ramp is
 * frozen (broken at 10:40), and 24h request windows hold half an hour of buckets.
 */
class EngineCrashIT extends OnBroker {

    static final Instant BACKLOG_UNTIL = WaveA.at("10:23:00");
    /**
     * Actions the backlog gives: the audit of the pilot's refused approval (09:30), error-budget of TENANT_003
     * (10:09:00) and TENANT_004 (10:22:02), the residency hold and the audit of its refused unsigned override (10:21).
     */
    static final int BACKLOG_ACTIONS = 13;
    static final Instant KILL_AFTER = WaveA.at("10:31:00");

    @Test
    void killedHardMidStreamAndRestartedGivesTheActionsOfACleanRun() throws Exception {
        long started = System.nanoTime();
        List<WaveA.Event> events = WaveA.events();
        WaveA.reference(); // before any engine runs: the replay competes for the 2 cores otherwise
        String appId = "crash-it";
        TopicNames names = Reliability.createTopics(kafka, "crash.", 2);
        Path work = Reliability.freshDir("crash");
        Path config = Reliability.engineConfig(work, "engine.yaml", appId, "crash.", kafka, work.resolve("state"));

        // given half an hour of backlog, then the engine
        Feed feed = closeLater(new Feed(kafka.clientConfig(), names, events));
        feed.sendNow(WaveA.indexAt(events, BACKLOG_UNTIL));
        EngineProcess first = closeLater(EngineProcess.start("crash-1", config)).awaitRunning(Duration.ofSeconds(120));
        awaitActions(names, BACKLOG_ACTIONS, first);

        // when events keep arriving and the engine is killed -9 while it keeps up with them
        feed.start(800);
        feed.awaitPast(KILL_AFTER, Duration.ofSeconds(120));
        int beforeKill = Reliability.readActions(kafka, names).size();
        first.kill();
        Instant killedAt = feed.lastSentTs();
        System.out.printf("EngineCrashIT: killed pid %d at event time %s (%d of %d events sent), %d actions committed%n",
                first.pid(), killedAt, feed.sent(), events.size(), beforeKill);
        assertThat(beforeKill).as("the engine was killed mid-stream, after some actions and before the last").isBetween(BACKLOG_ACTIONS, WaveA.reference().size() - 1);

        // and restarted (same application id, config and state dir) while the stream goes on
        EngineProcess second = closeLater(EngineProcess.start("crash-2", config)).awaitRunning(Duration.ofSeconds(120));
        feed.awaitDone(Duration.ofSeconds(120));
        Reliability.awaitCaughtUp(kafka, appId, names, Duration.ofSeconds(3), Duration.ofSeconds(180), second);

        // then the committed actions are exactly the clean run's
        List<String> actions = Reliability.readActions(kafka, names);
        System.out.printf("EngineCrashIT: %d actions committed (clean run %d) in %d s%n", actions.size(), WaveA.reference().size(),
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
        Reliability.assertSameActionsAsCleanRun(actions);
        assertThat(second.isAlive()).as(second.tail()).isTrue();
    }

    private static void awaitActions(TopicNames names, int n, EngineProcess engine) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (Reliability.readActions(kafka, names).size() < n) {
            assertThat(engine.isAlive()).as(engine.tail()).isTrue();
            assertThat(System.nanoTime()).as("%d actions within 120 s:%n%s", n, engine.tail()).isLessThan(end);
            Thread.sleep(250);
        }
    }
}
