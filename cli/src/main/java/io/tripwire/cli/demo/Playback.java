package io.tripwire.cli.demo;

import io.tripwire.schemas.ActionResult;
import io.tripwire.schemas.TripwireAction;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One run of the scenario through the live stack: plays the events, shows progress and the live
 * action table, and waits until the engine has processed every event, the feed has read everything
 * committed, and every action has its executor result.
 */
final class Playback {

    /** What the run saw, and whether it finished within the time allowed. */
    record Outcome(LiveFeed.Snapshot seen, long eventsPlayed, boolean finished, String unfinishedReason, Duration took) {
    }

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final int BAR_WIDTH = 24;

    private final DemoStack stack;
    private final Scenario scenario;
    private final DemoConsole console;
    private final double speed;
    private final Duration stallTimeout;

    /** @param stallTimeout how long the engine may make no progress before the run is given up */
    Playback(DemoStack stack, Scenario scenario, DemoConsole console, double speed, Duration stallTimeout) {
        this.stack = stack;
        this.scenario = scenario;
        this.console = console;
        this.speed = speed;
        this.stallTimeout = stallTimeout;
    }

    Outcome run() throws InterruptedException {
        long t0 = System.nanoTime();
        console.line("");
        console.line(ActionTable.header());
        console.line(ActionTable.rule());
        try (LiveFeed feed = new LiveFeed(stack.clientConfig(), DemoStack.TOPICS, this::row);
             EngineProgress engine = new EngineProgress(stack.clientConfig(), DemoStack.APPLICATION_ID,
                     DemoStack.TOPICS.inputs(), DemoStack.PARTITIONS)) {
            feed.start();
            ScenarioPlayer player = new ScenarioPlayer(scenario, stack.clientConfig(), speed);
            try {
                play(player);
                String unfinished = await(player, engine, feed);
                console.endProgress(progressLine(engine.position(), player.acked(), feed.actionCount()));
                return new Outcome(feed.snapshot(), player.acked(), unfinished == null, unfinished,
                        Duration.ofNanos(System.nanoTime() - t0));
            } finally {
                player.stop();
            }
        }
    }

    /**
     * Starts the player. Unpaced, the engine is paused until every event is on the broker: the
     * producer sends one batch per partition per request, so a sparse topic's late event (the 10:40
     * rollout step) can reach the broker before a busy topic's earlier ones (the 10:20 requests that
     * froze the ramp), and an engine reading as they arrive would see them out of order. With
     * everything on the broker, Streams takes each task's records in timestamp order, as a replay does.
     */
    private void play(ScenarioPlayer player) throws InterruptedException {
        boolean hold = speed <= 0;
        if (hold) {
            stack.engine().streams().pause();
        }
        player.start();
        if (hold) {
            while (!player.done()) {
                console.progress(String.format("sending %,d/%,d events to the input topics", player.acked(),
                        scenario.events().size()), false);
                Thread.sleep(100);
            }
            stack.engine().streams().resume();
        }
    }

    /** Waits for the end of the run; null when it finished, else why not. */
    private String await(ScenarioPlayer player, EngineProgress engine, LiveFeed feed) throws InterruptedException {
        long lastProcessed = -1;
        long lastChange = System.nanoTime();
        long engineDoneAt = 0;
        while (true) {
            if (player.failure() != null) {
                return "playing the scenario failed: " + player.failure();
            }
            if (feed.failure() != null) {
                return "reading the output topics failed: " + feed.failure();
            }
            EngineProgress.Position pos = engine.position();
            console.progress(progressLine(pos, player.acked(), feed.actionCount()), false);
            if (pos.processed() != lastProcessed) {
                lastProcessed = pos.processed();
                lastChange = System.nanoTime();
            }
            boolean engineDone = player.done() && pos.complete();
            if (engineDone && engineDoneAt == 0) {
                engineDoneAt = System.nanoTime();
            }
            if (engineDone && feed.caughtUpSince(engineDoneAt) && feed.awaitingResultCount() == 0) {
                return null;
            }
            if (System.nanoTime() - lastChange > stallTimeout.toNanos()) {
                return engineDone
                        ? feed.awaitingResultCount() + " actions still have no executor result after " + stallTimeout.toSeconds() + " s"
                        : "the engine made no progress for " + stallTimeout.toSeconds() + " s (processed "
                                + pos.processed() + " of " + pos.end() + " events)";
            }
            Thread.sleep(250);
        }
    }

    private String progressLine(EngineProgress.Position pos, long sent, int actions) {
        int total = scenario.events().size();
        long processed = Math.min(pos.processed(), total);
        int filled = total == 0 ? BAR_WIDTH : (int) (processed * BAR_WIDTH / total);
        String clock = processed == 0 ? "--:--" : CLOCK.format(eventTimeAt(processed));
        return String.format("engine [%s%s] %3d%%  %,d/%,d events%s  event time ~%s  %d actions", "#".repeat(filled),
                ".".repeat(BAR_WIDTH - filled), total == 0 ? 100 : processed * 100 / total, processed, total,
                sent < total ? String.format(" (sent %,d)", sent) : "", clock, actions);
    }

    /** Roughly the event time the engine has reached: partitions advance together, and events are in time order. */
    private Instant eventTimeAt(long processed) {
        return scenario.events().get((int) Math.max(0, processed - 1)).ts();
    }

    private void row(TripwireAction a, ActionResult r) {
        console.line(ActionTable.row(a, r));
    }
}
