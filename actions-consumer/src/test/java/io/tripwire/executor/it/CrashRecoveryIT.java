package io.tripwire.executor.it;

import io.tripwire.executor.Executor;
import io.tripwire.schemas.ActionResult;
import io.tripwire.schemas.ResultStatus;
import io.tripwire.schemas.TripwireAction;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.tripwire.executor.it.ExecutorFixture.count;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What survives a crash and a shutdown. The executor records an action's outcome in one Kafka
 * transaction with its offset, so there are two cases: killed before that transaction commits (the
 * action runs once more, with the same ACTION_ID: the documented window) and killed after it (the
 * action never runs again, even when its record is delivered again).
 */
class CrashRecoveryIT extends OnExecutorFixture {

    private static final String HANDLERS = """
              ROLLBACK_LAST_STEP: {type: command, argv: [scripts/record.sh, rollback, --tenant, "{tenant}", --to, "{params.to}"]}
            """;

    @Override
    int partitions() {
        return 1;
    }

    private void awaitInvocations(int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (f.invocations().size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("command ran " + f.invocations().size() + " times, expected " + n);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void killedAfterRunningButBeforeRecordingTheCommandRunsOnceMoreWithTheSameActionId() throws Exception {
        TripwireAction a = f.engine.rollback("TENANT_001", null);
        f.touch("hold"); // the command has done its work and is still running when the executor dies
        Executor first = f.start(f.config(HANDLERS));
        f.produce(a);
        awaitInvocations(1);

        first.haltAbruptly();
        f.remove("hold");

        assertThat(f.ledgerEntries()).isEmpty();
        Executor second = f.start(f.config(HANDLERS)); // same group, same transactional id
        List<ActionResult> results = f.awaitResults(1);
        second.close();
        results = f.awaitResults(1);

        assertThat(f.invocations()).containsExactly(
                a.getActionId() + " rollback --tenant TENANT_001 --to 10",
                a.getActionId() + " rollback --tenant TENANT_001 --to 10");
        assertThat(results).hasSize(1);
        assertThat(results.get(0).getStatus()).isEqualTo(ResultStatus.EXECUTED);
        assertThat(f.ledgerEntries()).containsOnlyKeys(a.getActionId());
    }

    @Test
    void killedAfterRecordingTheCommandIsNotRunAgainWhenItsRecordIsDeliveredAgain() throws Exception {
        TripwireAction a = f.engine.rollback("TENANT_001", "a");
        TripwireAction b = f.engine.rollback("TENANT_002", "b");
        Executor first = f.start(f.config(HANDLERS));
        f.produce(a, b);
        f.awaitResults(2);
        first.haltAbruptly();

        // the restarted executor's group has lost its offsets (reset, expired, or a new group):
        // every record is delivered again, and only the restored ledger stands between them and a rerun
        Executor second = f.start(f.config("group-with-lost-offsets", "instance-2", false, "avro", HANDLERS));
        f.produce(a); // and the engine replays one of them
        List<ActionResult> results = f.awaitResults(5);
        second.close();
        results = f.awaitResults(5);

        assertThat(results).hasSize(5);
        assertThat(count(results, ResultStatus.EXECUTED)).isEqualTo(2);
        assertThat(count(results, ResultStatus.DUPLICATE)).isEqualTo(3);
        assertThat(results.subList(2, 5)).allSatisfy(r -> assertThat(r.getDetail()).startsWith("already executed at "));
        assertThat(f.invocations()).hasSize(2);
    }

    @Test
    void aGracefulStopFinishesTheActionInHandRecordsItAndLeavesTheRestToTheNextInstance() throws Exception {
        TripwireAction a = f.engine.rollback("TENANT_001", "a");
        TripwireAction b = f.engine.rollback("TENANT_001", "b");
        f.touch("hold");
        Executor first = f.start(f.config(HANDLERS));
        f.produce(a, b);
        awaitInvocations(1);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(first::close);
        Thread.sleep(300);
        assertThat(closing).isNotDone(); // waiting for the action in hand
        f.remove("hold");
        closing.get();

        List<ActionResult> afterStop = f.awaitResults(1);
        assertThat(afterStop).hasSize(1);
        assertThat(afterStop.get(0).getActionId()).isEqualTo(a.getActionId());
        assertThat(afterStop.get(0).getStatus()).isEqualTo(ResultStatus.EXECUTED);
        assertThat(first.failure()).isEmpty();

        Executor second = f.start(f.config(HANDLERS));
        List<ActionResult> results = f.awaitResults(2);
        second.close();
        results = f.awaitResults(2);

        assertThat(results).hasSize(2);
        assertThat(results.get(1).getActionId()).isEqualTo(b.getActionId());
        assertThat(f.invocations()).extracting(l -> l.split(" ")[0]).containsExactly(a.getActionId(), b.getActionId());
    }

    @Test
    void aSecondDeploymentOnTheSameTopicSkipsWhatTheFirstExecutedWhileItWasBusy() throws Exception {
        String logStops = HANDLERS + "  STOP_RAMP: {type: log}\n";
        String runStops = HANDLERS + "  STOP_RAMP: {type: command, argv: [scripts/record.sh, stop, --tenant, \"{tenant}\"]}\n";
        TripwireAction slow = f.engine.signed("BLOCKED", io.tripwire.schemas.ActionType.STOP_RAMP, null, java.util.Map.of());
        TripwireAction a = f.engine.rollback("TENANT_001", null);
        f.touch("hold-BLOCKED");
        Executor busy = f.start(f.config("group-b", "instance-b", false, "avro", runStops));
        f.produce(slow, a);
        awaitInvocations(1); // busy is running the slow command; a waits behind it

        Executor other = f.start(f.config("group-a", "instance-a", false, "avro", logStops));
        awaitInvocations(2); // the other deployment has run a
        f.awaitResults(2);
        f.remove("hold-BLOCKED");
        List<ActionResult> results = f.awaitResults(4);
        busy.close();
        other.close();
        results = f.awaitResults(4);

        assertThat(f.invocations()).filteredOn(l -> l.startsWith(a.getActionId())).hasSize(1);
        assertThat(results).filteredOn(r -> r.getActionId().equals(a.getActionId()))
                .extracting(ActionResult::getStatus).containsExactly(ResultStatus.EXECUTED, ResultStatus.DUPLICATE);
    }
}
