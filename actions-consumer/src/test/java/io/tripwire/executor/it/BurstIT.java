package io.tripwire.executor.it;

import io.tripwire.executor.Executor;
import io.tripwire.schemas.ActionResult;
import io.tripwire.schemas.ResultStatus;
import io.tripwire.schemas.TripwireAction;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.tripwire.executor.it.ExecutorFixture.count;
import static io.tripwire.executor.it.ExecutorFixture.histogram;
import static org.assertj.core.api.Assertions.assertThat;

/** A burst of 1,000 actions (plus replayed copies) over two executor instances that rebalance mid-burst. */
class BurstIT extends OnExecutorFixture {

    private static final int ACTIONS = 1_000;
    private static final int REPLAYS = 100;

    @Override
    int partitions() {
        return 3;
    }

    @Test
    void everyActionOfABurstRunsExactlyOnceAcrossARebalance() throws Exception {
        Path calls = f.dir.resolve("burst-calls.txt");
        Files.createDirectories(f.dir);
        String handlers = "  STOP_RAMP: {type: command, argv: [/bin/sh, -c, 'echo \"$ACTION_ID\" >> \"$0\"', \"" + calls + "\"]}\n";
        List<TripwireAction> burst = new ArrayList<>();
        for (int i = 0; i < ACTIONS; i++) {
            burst.add(f.engine.signed("TENANT_" + (i % 7), io.tripwire.schemas.ActionType.STOP_RAMP, "step-" + i, Map.of()));
        }
        Executor one = f.start(f.config("group", "instance-1", false, "avro", handlers));

        f.produce(burst.toArray(TripwireAction[]::new));
        f.awaitResults(ACTIONS / 4, Duration.ofMinutes(5));
        Executor two = f.start(f.config("group", "instance-2", false, "avro", handlers)); // rebalance mid-burst
        f.produce(burst.subList(0, REPLAYS).toArray(TripwireAction[]::new)); // the engine replays some
        f.awaitResults(ACTIONS + REPLAYS, Duration.ofMinutes(5));
        one.close();
        two.close();
        List<ActionResult> results = f.awaitResults(ACTIONS + REPLAYS, Duration.ofMinutes(5));

        assertThat(histogram(results, r -> r.getStatus() + " after " + r.getAttempts() + " attempt(s)"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("EXECUTED after 1 attempt(s)", (long) ACTIONS,
                        "DUPLICATE after 0 attempt(s)", (long) REPLAYS));
        List<String> ran = Files.readAllLines(calls);
        Map<String, Long> runs = histogram(ran, s -> s);
        assertThat(ran).hasSize(ACTIONS);
        assertThat(runs.values()).allMatch(n -> n == 1);
        Set<String> expected = new HashSet<>();
        burst.forEach(a -> expected.add(a.getActionId()));
        assertThat(runs.keySet()).isEqualTo(expected);
        assertThat(results).hasSize(ACTIONS + REPLAYS);
        assertThat(count(results, ResultStatus.EXECUTED)).isEqualTo(ACTIONS);
        assertThat(count(results, ResultStatus.DUPLICATE)).isEqualTo(REPLAYS);
        assertThat(f.ledgerEntries()).hasSize(ACTIONS);
    }
}
