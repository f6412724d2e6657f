package io.tripwire.engine;

import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.signing.ActionSigner;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The canary story of test-data/ (test-data/README.md, "canary.jsonl"): a 2% canary that is 1.6x
 * slower and fails 28x as often is caught by the canary judgement alone; the fixed version passes.
 */
class CanaryScenarioTest {

    private static final Path CANARY = Path.of("..", "test-data", "canary.jsonl");

    @Test
    void onlyTheCanaryJudgementCatchesTheTwoPercentCanary() throws Exception {
        ReplayOutput out = FileReplay.run(CANARY, Engines.rules(), new ActionSigner(Engines.KEYS.getPrivate()), (p, d, t) -> { });
        assertThat(out.deadLetters()).isEmpty();
        assertThat(out.actions()).extracting(a -> a.getFiredAt() + " " + a.getTenant() + " " + a.getTripwire() + " " + a.getScope()
                + " " + a.getAction() + " " + new java.util.TreeMap<>(a.getParams())).containsExactly(
                "2025-10-20T10:07:00Z TENANT_006 canary-latency READ ROLLBACK_LAST_STEP {region=eu-west-1, to=0}",
                "2025-10-20T10:07:00Z TENANT_006 canary-latency READ ALERT {severity=page}",
                "2025-10-20T10:12:00Z TENANT_006 canary-latency READ RESOLVED {}",
                "2025-10-20T10:36:00Z TENANT_006 canary-latency READ CANARY_PASSED {}");
        // the same traffic without labels: the tenant-level tripwires are silent all along
        ReplayOutput plain = FileReplay.run(CANARY, Engines.rules("tripwires.canary-errors.enabled=false",
                "tripwires.canary-latency.enabled=false", "tripwires.canary-split.enabled=false"),
                new ActionSigner(Engines.KEYS.getPrivate()), (p, d, t) -> { });
        assertThat(plain.actions()).isEmpty();
        assertThat(out.signals()).anyMatch(s -> s.contains("\"signal\":\"canary_e_worse\"") && s.contains("\"scope\":\"api\""));
    }
}
