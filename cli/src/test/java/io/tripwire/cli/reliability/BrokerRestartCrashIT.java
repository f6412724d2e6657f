package io.tripwire.cli.reliability;

import io.tripwire.engine.topology.TopicNames;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8: the broker (the only one) is stopped and started again in the middle of the Wave A
 * stream while the engine, in its own JVM, is processing it. The engine rides it out on its own (no
 * restart of the engine) and the committed actions are exactly those of an uninterrupted run.
 */
class BrokerRestartCrashIT extends OnBroker {

    @Test
    void aBrokerRestartMidStreamGivesTheActionsOfACleanRun() throws Exception {
        long started = System.nanoTime();
        List<WaveA.Event> events = WaveA.events();
        WaveA.reference();
        String appId = "broker-restart-it";
        TopicNames names = Reliability.createTopics(kafka, "restart.", 2);
        Path work = Reliability.freshDir("broker-restart");
        Path config = Reliability.engineConfig(work, "engine.yaml", appId, "restart.", kafka, work.resolve("state"));

        Feed feed = closeLater(new Feed(kafka.clientConfig(), names, events));
        feed.sendNow(WaveA.indexAt(events, EngineCrashIT.BACKLOG_UNTIL));
        EngineProcess engine = closeLater(EngineProcess.start("broker-restart", config)).awaitRunning(Duration.ofSeconds(120));
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (Reliability.readActions(kafka, names).size() < EngineCrashIT.BACKLOG_ACTIONS) {
            assertThat(engine.isAlive()).as(engine.tail()).isTrue();
            assertThat(System.nanoTime()).as("%d actions within 120 s:%n%s", EngineCrashIT.BACKLOG_ACTIONS, engine.tail()).isLessThan(end);
            Thread.sleep(250);
        }

        // when the broker restarts while events keep arriving and the engine keeps up with them
        feed.start(800);
        feed.awaitPast(EngineCrashIT.KILL_AFTER, Duration.ofSeconds(120));
        int before = Reliability.readActions(kafka, names).size();
        long stopAt = System.nanoTime();
        kafka.restart();
        System.out.printf("BrokerRestartCrashIT: broker restarted in %d ms at event time %s (%d of %d events sent), %d actions committed before%n",
                Duration.ofNanos(System.nanoTime() - stopAt).toMillis(), feed.lastSentTs(), feed.sent(), events.size(), before);
        assertThat(before).as("the broker restarted mid-stream, after some actions and before the last").isBetween(EngineCrashIT.BACKLOG_ACTIONS, WaveA.reference().size() - 1);

        // then the same engine process catches up and its committed actions are exactly the clean run's
        feed.awaitDone(Duration.ofSeconds(180));
        Reliability.awaitCaughtUp(kafka, appId, names, Duration.ofSeconds(3), Duration.ofSeconds(240), engine);
        List<String> actions = Reliability.readActions(kafka, names);
        System.out.printf("BrokerRestartCrashIT: %d actions committed (clean run %d) in %d s%n", actions.size(), WaveA.reference().size(),
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
        Reliability.assertSameActionsAsCleanRun(actions);
        assertThat(engine.isAlive()).as("the engine rode the restart out:%n%s", engine.tail()).isTrue();
    }
}
