package io.tripwire.executor.it;

import io.tripwire.executor.Executor;
import io.tripwire.executor.TestActions;
import io.tripwire.executor.deadletter.DeadLetterHeaders;
import io.tripwire.executor.handler.Webhook;
import io.tripwire.schemas.ActionResult;
import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.ResultStatus;
import io.tripwire.schemas.TripwireAction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.tripwire.executor.it.ExecutorFixture.byActionId;
import static io.tripwire.executor.it.ExecutorFixture.count;
import static io.tripwire.executor.it.ExecutorFixture.header;
import static org.assertj.core.api.Assertions.assertThat;

/** The executor against a real broker: execution, trust, retries, HTTP, dry run, formats. */
class ExecutorIT extends OnExecutorFixture {

    private static final String RECORD_HANDLERS = """
              ROLLBACK_LAST_STEP: {type: command, argv: [scripts/record.sh, rollback, --tenant, "{tenant}", --to, "{params.to}"]}
              STOP_RAMP: {type: command, argv: [scripts/record.sh, stop, --tenant, "{tenant}"]}
              ALERT: {type: log}
            """;

    @Override
    int partitions() {
        return 3;
    }

    @Test
    void executesEachActionOnceAndRecordsResultsLedgerAndMetrics() throws Exception {
        TripwireAction r1 = f.engine.rollback("TENANT_001", null);
        TripwireAction r2 = f.engine.rollback("TENANT_002", null);
        TripwireAction stop = f.engine.signed("TENANT_003", ActionType.STOP_RAMP, null, Map.of());
        TripwireAction alert = f.engine.signed("TENANT_003", ActionType.ALERT, null, Map.of("severity", "page"));
        Executor e = f.start(f.config(RECORD_HANDLERS));

        f.produce(r1, r2, stop, alert, r1); // the engine replayed r1
        f.awaitResults(5);
        e.close();
        List<ActionResult> results = f.awaitResults(5);

        assertThat(results).hasSize(5);
        assertThat(count(results, ResultStatus.EXECUTED)).isEqualTo(4);
        assertThat(count(results, ResultStatus.DUPLICATE)).isEqualTo(1);
        assertThat(f.invocations()).containsExactlyInAnyOrder(
                r1.getActionId() + " rollback --tenant TENANT_001 --to 10",
                r2.getActionId() + " rollback --tenant TENANT_002 --to 10",
                stop.getActionId() + " stop --tenant TENANT_003");
        ActionResult executed = results.stream().filter(r -> r.getActionId().equals(r1.getActionId())
                && r.getStatus() == ResultStatus.EXECUTED).findFirst().orElseThrow();
        assertThat(executed.getHandler()).isEqualTo("command");
        assertThat(executed.getAttempts()).isEqualTo(1);
        assertThat(executed.getExitCode()).isZero();
        assertThat(executed.getOutputDigest()).hasSize(64);
        assertThat(executed.getTenant()).isEqualTo("TENANT_001");
        assertThat(executed.getAction()).isEqualTo("ROLLBACK_LAST_STEP");
        assertThat(byActionId(results).get(alert.getActionId()).getHandler()).isEqualTo("log");
        assertThat(f.ledgerEntries()).containsOnlyKeys(r1.getActionId(), r2.getActionId(), stop.getActionId(), alert.getActionId())
                .allSatisfy((id, entry) -> assertThat(entry.executed()).isTrue());
        assertThat(f.counted(ResultStatus.EXECUTED)).isEqualTo(4.0);
        assertThat(f.counted(ResultStatus.DUPLICATE)).isEqualTo(1.0);
    }

    @Test
    void rejectsForgedWronglySignedUnsignedUnknownAndUndecodableRecordsAndDeadLettersThem() throws Exception {
        TestActions stranger = TestActions.withFreshKey();
        TripwireAction good = f.engine.rollback("TENANT_001", "good");
        TripwireAction forged = TripwireAction.newBuilder(f.engine.rollback("TENANT_001", "forged")).setParams(Map.of("to", "0")).build();
        TripwireAction wrongKey = stranger.rollback("TENANT_001", "stranger");
        TripwireAction unsigned = TestActions.unsigned("TENANT_001", ActionType.ROLLBACK_LAST_STEP, "unsigned", Map.of("to", "10"));
        TripwireAction unknown = f.engine.signed("TENANT_001", ActionType.UNKNOWN, "unknown", Map.of());
        TripwireAction unhandled = f.engine.signed("TENANT_001", ActionType.QUEUE_WRITES, "unhandled", Map.of());
        byte[] garbage = {0, 0, 0, 0x7f, 0x7f, 1, 2, 3};
        f.start(f.config(RECORD_HANDLERS));

        f.produce(forged, wrongKey, unsigned, unknown, unhandled);
        f.produceRaw("TENANT_001".getBytes(StandardCharsets.UTF_8), garbage);
        f.produce(good);
        List<ActionResult> results = f.awaitResults(7);

        assertThat(count(results, ResultStatus.REJECTED)).isEqualTo(6);
        Map<String, ActionResult> by = byActionId(results);
        assertThat(by.get(forged.getActionId()).getDetail()).startsWith("bad-signature: ");
        assertThat(by.get(wrongKey.getActionId()).getDetail()).startsWith("bad-signature: ");
        assertThat(by.get(unsigned.getActionId()).getDetail()).startsWith("unsigned: ");
        assertThat(by.get(unknown.getActionId()).getDetail()).startsWith("unknown-action: ");
        assertThat(by.get(unhandled.getActionId()).getDetail()).startsWith("no-handler: ");
        assertThat(by.get("").getTenant()).isEqualTo("TENANT_001");
        assertThat(by.get("").getHandler()).isEqualTo("none");
        assertThat(by.get(good.getActionId()).getStatus()).isEqualTo(ResultStatus.EXECUTED);
        assertThat(f.invocations()).containsExactly(good.getActionId() + " rollback --tenant TENANT_001 --to 10");
        assertThat(f.ledgerEntries()).containsOnlyKeys(good.getActionId());

        List<ConsumerRecord<byte[], byte[]>> dead = f.awaitDeadLetters(6);
        assertThat(dead).hasSize(6);
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON)).containsExactlyInAnyOrder(
                "bad-signature", "bad-signature", "unsigned", "unknown-action", "no-handler", header(dead.get(5), DeadLetterHeaders.REASON));
        ConsumerRecord<byte[], byte[]> undecodable = dead.stream().filter(r -> java.util.Arrays.equals(r.value(), garbage)).findFirst().orElseThrow();
        assertThat(header(undecodable, DeadLetterHeaders.REASON)).isNotBlank().isNotIn("bad-signature", "unsigned");
        assertThat(header(undecodable, DeadLetterHeaders.TOPIC)).isEqualTo(f.actions);
        assertThat(header(undecodable, DeadLetterHeaders.EXCEPTION)).isEqualTo("io.tripwire.wire.DecodeException");
        assertThat(new String(undecodable.key(), StandardCharsets.UTF_8)).isEqualTo("TENANT_001");
        for (ConsumerRecord<byte[], byte[]> d : dead) {
            assertThat(header(d, DeadLetterHeaders.PARTITION)).matches("[0-2]");
            assertThat(header(d, DeadLetterHeaders.OFFSET)).matches("\\d+");
            assertThat(header(d, DeadLetterHeaders.MESSAGE)).isNotBlank();
        }
        assertThat(f.counted(ResultStatus.REJECTED)).isEqualTo(6.0);
    }

    @Test
    void aFailingCommandIsRetriedThenFailedAndDeadLetteredAndTheExecutorGoesOn() throws Exception {
        TripwireAction failing = f.engine.rollback("TENANT_001", "fails");
        TripwireAction next = f.engine.signed("TENANT_001", ActionType.STOP_RAMP, "next", Map.of());
        f.touch("fail");
        f.start(f.config(RECORD_HANDLERS));

        f.produce(failing);
        ActionResult failed = f.awaitResults(1).get(0);
        f.remove("fail");
        f.produce(next);
        List<ActionResult> results = f.awaitResults(2);

        assertThat(failed.getStatus()).isEqualTo(ResultStatus.FAILED);
        assertThat(failed.getAttempts()).isEqualTo(3);
        assertThat(failed.getExitCode()).isEqualTo(3);
        assertThat(failed.getDetail()).startsWith("exit 3 in ").contains("refusing: fail file present").endsWith("(attempt 3/3, retries exhausted)");
        assertThat(f.invocations()).filteredOn(l -> l.startsWith(failing.getActionId())).hasSize(3);
        assertThat(byActionId(results).get(next.getActionId()).getStatus()).isEqualTo(ResultStatus.EXECUTED);
        ConsumerRecord<byte[], byte[]> dead = f.awaitDeadLetters(1).get(0);
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("handler-failed");
        assertThat(header(dead, DeadLetterHeaders.EXCEPTION)).isEqualTo("io.tripwire.executor.handler.ActionFailedException");
        assertThat(f.ledgerEntries().get(failing.getActionId()).status()).isEqualTo("FAILED");
    }

    @Test
    void theHttpHandlerRetries503ButNot400AndSendsTheIdempotencyKey() throws Exception {
        try (Webhook hook = new Webhook().answer(200, 503, 503, 200, 400)) {
            TripwireAction first = f.engine.signed("TENANT_001", ActionType.OPEN_INCIDENT, "first", Map.of());
            TripwireAction second = f.engine.signed("TENANT_001", ActionType.OPEN_INCIDENT, "second", Map.of());
            f.start(f.config("  OPEN_INCIDENT: {type: http, url: \"" + hook.url() + "\", timeout: 2s}\n"));

            f.produce(first);
            ActionResult r1 = f.awaitResults(1).get(0);
            f.produce(second);
            ActionResult r2 = f.awaitResults(2).get(1);

            assertThat(r1.getStatus()).isEqualTo(ResultStatus.EXECUTED);
            assertThat(r1.getAttempts()).isEqualTo(3);
            assertThat(r1.getHandler()).isEqualTo("http");
            assertThat(r2.getStatus()).isEqualTo(ResultStatus.FAILED);
            assertThat(r2.getAttempts()).isEqualTo(1);
            assertThat(r2.getDetail()).contains("answered HTTP 400");
            assertThat(hook.requests()).extracting(Webhook.Request::idempotencyKey).containsExactly(
                    first.getActionId(), first.getActionId(), first.getActionId(), second.getActionId());
        }
    }

    @Test
    void dryRunRunsNothingAndLeavesTheActionToALaterRealRun() throws Exception {
        TripwireAction a = f.engine.rollback("TENANT_001", null);
        f.produce(a);

        Executor dry = f.start(f.config("dry", "dry-1", true, "avro", RECORD_HANDLERS));
        ActionResult would = f.awaitResults(1).get(0);
        dry.close();

        assertThat(would.getStatus()).isEqualTo(ResultStatus.DRY_RUN);
        assertThat(would.getDetail()).startsWith("dry run: would run [\"" + f.dir.resolve("scripts/record.sh")
                + "\",\"rollback\",\"--tenant\",\"TENANT_001\",\"--to\",\"10\"] with ACTION_ID=" + a.getActionId());
        assertThat(f.invocations()).isEmpty();
        assertThat(f.ledgerEntries()).isEmpty();

        Executor real = f.start(f.config("real", "real-1", false, "avro", RECORD_HANDLERS));
        List<ActionResult> results = f.awaitResults(2);
        real.close();

        assertThat(results.get(1).getStatus()).isEqualTo(ResultStatus.EXECUTED);
        assertThat(f.invocations()).containsExactly(a.getActionId() + " rollback --tenant TENANT_001 --to 10");
    }

    @Test
    void readsJsonActionsAndWritesJsonResultsOnRequest() throws Exception {
        TripwireAction a = f.engine.rollback("TENANT_004", null);
        f.start(f.config("group", "json-1", false, "json", RECORD_HANDLERS));

        f.produceJson(a);
        ActionResult r = f.awaitJsonResults(1).get(0);

        assertThat(r.getStatus()).isEqualTo(ResultStatus.EXECUTED);
        assertThat(r.getActionId()).isEqualTo(a.getActionId());
        assertThat(f.invocations()).containsExactly(a.getActionId() + " rollback --tenant TENANT_004 --to 10");
    }
}
