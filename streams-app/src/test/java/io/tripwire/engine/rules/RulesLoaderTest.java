package io.tripwire.engine.rules;

import io.tripwire.engine.tripwires.AutonomyRatioTripwire;
import io.tripwire.engine.tripwires.BurnRateTripwire;
import io.tripwire.engine.tripwires.ErrorBudgetTripwire;
import io.tripwire.engine.tripwires.LatencyTripwire;
import io.tripwire.engine.tripwires.CanaryBucket;
import io.tripwire.engine.tripwires.CanaryTripwire;
import io.tripwire.engine.tripwires.Significance;
import io.tripwire.engine.tripwires.TripwireKinds;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RulesLoaderTest {

    private static final RulesLoader LOADER = new RulesLoader(TripwireKinds::parse);
    private static final Path SHIPPED = Path.of("..", "config", "tripwires.yaml");

    private static Rules load(String yaml) throws Exception {
        return LOADER.load("test.yaml", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), List.of(), Map.of());
    }

    @Test
    void theShippedFileHoldsTheSpecDefaults() throws Exception {
        Rules r = LOADER.load(SHIPPED, List.of(), Map.of());
        assertThat(r.grace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(r.minEvents()).isEqualTo(100);
        assertThat(r.sloOf("api")).isEqualTo(0.999);
        assertThat(r.sloOf("ingest")).isEqualTo(0.995);
        assertThat(r.sloOf("search")).isEqualTo(0.999);
        assertThat(r.tripwires()).extracting(TripwireRule::id).containsExactly("error-budget", "burn-rate-fast", "burn-rate-slow",
                "ingest-errors", "read-latency", "write-latency", "replica-lag", "cache-hit", "cost-budget", "residency-violation",
                "purpose-missing", "unapproved-enact", "autonomy-compensation", "autonomy-rate", "simulation-delta", "ramp-freeze", "canary-errors",
                "canary-latency", "canary-split");
        // SPEC 3 cache-hit: cache_hit_ratio < 0.92 held for 10m, ALERT (warning), STOP_RAMP; cost-budget: cost_budget_used_ratio > 0.80, ALERT
        io.tripwire.engine.tripwires.MetricThresholdTripwire.Rule cache = (io.tripwire.engine.tripwires.MetricThresholdTripwire.Rule) r.rule("cache-hit");
        assertThat(cache.metric()).isEqualTo("cache_hit_ratio");
        assertThat(cache.below()).isTrue();
        assertThat(cache.threshold()).isEqualTo(0.92);
        assertThat(cache.heldFor()).isEqualTo(Duration.ofMinutes(10));
        assertThat(cache.actions()).containsExactly("ALERT", "STOP_RAMP");
        io.tripwire.engine.tripwires.MetricThresholdTripwire.Rule cost = (io.tripwire.engine.tripwires.MetricThresholdTripwire.Rule) r.rule("cost-budget");
        assertThat(cost.metric()).isEqualTo("cost_budget_used_ratio");
        assertThat(cost.below()).isFalse();
        assertThat(cost.threshold()).isEqualTo(0.80);
        assertThat(cost.heldFor()).isZero();
        assertThat(cost.actions()).containsExactly("ALERT");
        assertThat(((io.tripwire.engine.tripwires.MetricThresholdTripwire.Rule) r.rule("replica-lag")).below()).isFalse();
        // a wrong direction is named with the ones allowed
        assertThatThrownBy(() -> LOADER.load(SHIPPED, List.of("tripwires.cache-hit.direction=under"), Map.of()))
                .hasMessageContaining("tripwires.cache-hit.direction").hasMessageContaining("under").hasMessageContaining("below");
        // SPEC 3 simulation-delta: SIMULATE ops, COMPENSATED / decided over 24h > 0.005, ALERT (warning) and BLOCK_ENACT
        AutonomyRatioTripwire.Rule sim = (AutonomyRatioTripwire.Rule) r.rule("simulation-delta");
        assertThat(sim.mode()).isEqualTo(io.tripwire.schemas.AutonomyMode.SIMULATE);
        assertThat(sim.ratio()).isEqualTo("compensated");
        assertThat(sim.above()).isTrue();
        assertThat(sim.threshold()).isEqualTo(0.005);
        assertThat(sim.window()).isEqualTo(Duration.ofHours(24));
        assertThat(sim.actions()).containsExactly("ALERT", "BLOCK_ENACT");
        assertThat(sim.params()).containsEntry("ALERT", Map.of("severity", "warning"));
        assertThat(((AutonomyRatioTripwire.Rule) r.rule("autonomy-compensation")).mode()).isEqualTo(io.tripwire.schemas.AutonomyMode.ENACT);
        io.tripwire.engine.tripwires.UnapprovedEnactTripwire.Rule unapproved =
                (io.tripwire.engine.tripwires.UnapprovedEnactTripwire.Rule) r.rule("unapproved-enact");
        assertThat(unapproved.approvedBy()).isEqualTo("simulation-delta");
        assertThat(unapproved.actions()).containsExactly("THROTTLE_AUTONOMY", "ENTER_SIMULATE", "AUDIT_EVENT");
        assertThat(unapproved.params()).containsEntry("THROTTLE_AUTONOMY", Map.of("to", "0"));
        CanaryTripwire.Rule canary = (CanaryTripwire.Rule) r.rule("canary-latency");
        assertThat(canary.compare()).isEqualTo(CanaryBucket.Kind.LATENCY);
        assertThat(canary.confidence()).isEqualTo(0.99);
        assertThat(canary.tolerance()).isEqualTo(1.5);
        assertThat(canary.level()).isCloseTo(100, org.assertj.core.api.Assertions.within(1e-9));
        LatencyTripwire.Rule read = (LatencyTripwire.Rule) r.rule("read-latency");
        assertThat(read.thresholdMs()).isEqualTo(350);
        assertThat(read.heldFor()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void ratioTripwiresInheritTheGlobalConfidenceAndPriorStrengthOrSetTheirOwn() throws Exception {
        Rules r = LOADER.load(SHIPPED, List.of(), Map.of());
        assertThat(r.confidence()).isEqualTo(0.95);
        assertThat(r.priorStrength()).isEqualTo(1000);
        assertThat(((ErrorBudgetTripwire.Rule) r.rule("error-budget")).significance()).isEqualTo(new Significance(0.95, 1000));
        // the autonomy tripwires' windows hold hundreds of ops: the shipped rules give them 100
        assertThat(((AutonomyRatioTripwire.Rule) r.rule("autonomy-compensation")).significance()).isEqualTo(new Significance(0.95, 100));

        r = LOADER.load(SHIPPED, List.of("confidence=0.99", "prior-strength=5000", "tripwires.autonomy-rate.confidence=off",
                "tripwires.error-budget.keep-firing-for=10m"), Map.of("TRIPWIRE_RULES_TRIPWIRES_AUTONOMY_COMPENSATION_PRIOR_STRENGTH", "30"));
        assertThat(((BurnRateTripwire.Rule) r.rule("burn-rate-fast")).significance()).isEqualTo(new Significance(0.99, 5000));
        assertThat(((AutonomyRatioTripwire.Rule) r.rule("autonomy-compensation")).significance()).isEqualTo(new Significance(0.99, 30));
        assertThat(((AutonomyRatioTripwire.Rule) r.rule("autonomy-rate")).significance().on()).isFalse();
        assertThat(r.rule("error-budget").keepFiringFor()).isEqualTo(Duration.ofMinutes(10));
        assertThat(r.rule("burn-rate-fast").keepFiringFor()).isEqualTo(Duration.ZERO);

        // YAML 1.1 readers turn a bare `off` into false: both mean the plain estimate
        assertThat(load("slo: {api: 0.999}\nconfidence: off\ntripwires: {}\n").confidence()).isNaN();
        assertThat(LOADER.load(SHIPPED, List.of(), Map.of("TRIPWIRE_RULES_CONFIDENCE", "off")).confidence()).isNaN();
    }

    @Test
    void aBadCanaryRuleNamesTheKey() {
        assertThatThrownBy(() -> LOADER.load(SHIPPED, List.of("tripwires.canary-errors.compare=slowness"), Map.of()))
                .hasMessageContaining("tripwires.canary-errors.compare");
        assertThatThrownBy(() -> LOADER.load(SHIPPED, List.of("tripwires.canary-errors.tolerance=0.9"), Map.of()))
                .hasMessageContaining("tripwires.canary-errors.tolerance: expected an odds ratio > 1");
        assertThatThrownBy(() -> LOADER.load(SHIPPED, List.of("tripwires.canary-latency.confidence=off"), Map.of()))
                .hasMessageContaining("tripwires.canary-latency.confidence: the canary judgement has no plain form");
    }

    @Test
    void aBadConfidencePriorStrengthOrKeepFiringForNamesTheKey() {
        assertThatThrownBy(() -> LOADER.load(SHIPPED, List.of("tripwires.error-budget.prior-strength=0"), Map.of()))
                .hasMessageContaining("tripwires.error-budget.prior-strength: expected a number > 0, got 0");
        assertThatThrownBy(() -> LOADER.load(SHIPPED, List.of("tripwires.read-latency.prior-strength=100"), Map.of()))
                .hasMessageContaining("tripwires.read-latency.prior-strength: unknown key");
        assertThatThrownBy(() -> LOADER.load(SHIPPED, List.of("confidence=1"), Map.of()))
                .hasMessageContaining("confidence: expected a confidence between 0 and 1 (exclusive, e.g. 0.95) or off, got 1");
        assertThatThrownBy(() -> LOADER.load(SHIPPED, List.of("tripwires.ingest-errors.confidence=high"), Map.of()))
                .hasMessageContaining("tripwires.ingest-errors.confidence: expected a confidence between 0 and 1 (e.g. 0.95) or off, got 'high'");
        assertThatThrownBy(() -> LOADER.load(SHIPPED, List.of("tripwires.read-latency.keep-firing-for=soon"), Map.of()))
                .hasMessageContaining("tripwires.read-latency.keep-firing-for: expected a duration");
        // an event-fired tripwire has nothing to keep firing, and no ratio to test
        assertThatThrownBy(() -> LOADER.load(SHIPPED, List.of("tripwires.residency-violation.keep-firing-for=5m"), Map.of()))
                .hasMessageContaining("tripwires.residency-violation.keep-firing-for: unknown key");
        assertThatThrownBy(() -> LOADER.load(SHIPPED, List.of("tripwires.read-latency.confidence=0.9"), Map.of()))
                .hasMessageContaining("tripwires.read-latency.confidence: unknown key");
    }

    @Test
    void theBuiltInCopyEqualsTheShippedFile() throws Exception {
        assertThat(LOADER.loadDefaults(List.of(), Map.of())).isEqualTo(LOADER.load(SHIPPED, List.of(), Map.of()));
    }

    @Test
    void setOverridesOneValue() throws Exception {
        Rules r = LOADER.load(SHIPPED, List.of("tripwires.read-latency.threshold=400", "grace=45s"), Map.of());
        assertThat(((LatencyTripwire.Rule) r.rule("read-latency")).thresholdMs()).isEqualTo(400);
        assertThat(r.grace()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void environmentOverridesOneValueByItsUpperCasePath() throws Exception {
        Rules r = LOADER.load(SHIPPED, List.of(), Map.of("TRIPWIRE_RULES_TRIPWIRES_READ_LATENCY_HELD_FOR", "20m",
                "TRIPWIRE_RULES_MIN_EVENTS", "50"));
        assertThat(((LatencyTripwire.Rule) r.rule("read-latency")).heldFor()).isEqualTo(Duration.ofMinutes(20));
        assertThat(r.minEvents()).isEqualTo(50);
    }

    @Test
    void aTripwireCanBeDisabled() throws Exception {
        Rules r = LOADER.load(SHIPPED, List.of("tripwires.autonomy-rate.enabled=false"), Map.of());
        assertThat(r.rule("autonomy-rate")).isNull();
        assertThat(r.tripwires()).hasSize(18);
        // the pilot's enactment requirement, off from the environment for users who gate enactment elsewhere (issue 24)
        Rules off = LOADER.load(SHIPPED, List.of(), Map.of("TRIPWIRE_RULES_TRIPWIRES_UNAPPROVED_ENACT_ENABLED", "false"));
        assertThat(off.rule("unapproved-enact")).isNull();
        assertThat(LOADER.load(SHIPPED, List.of(), Map.of()).rule("unapproved-enact")).isNotNull();
    }

    @Test
    void aBadValueNamesTheKeyAndWhatIsAllowed() {
        assertThatThrownBy(() -> LOADER.load(SHIPPED, List.of("tripwires.read-latency.threshold=fast"), Map.of()))
                .isInstanceOf(RulesException.class)
                .hasMessageContaining("tripwires.read-latency.threshold: expected a number, got 'fast'");
        assertThatThrownBy(() -> LOADER.load(SHIPPED, List.of("tripwires.error-budget.threshold=1.5"), Map.of()))
                .hasMessageContaining("tripwires.error-budget.threshold: expected a number between 0 and 1");
        assertThatThrownBy(() -> LOADER.load(SHIPPED, List.of("tripwires.read-latency.window=90s"), Map.of()))
                .hasMessageContaining("tripwires.read-latency.window: expected whole minutes");
        assertThatThrownBy(() -> LOADER.load(SHIPPED, List.of("tripwires.read-latency.op=DELETE"), Map.of()))
                .hasMessageContaining("tripwires.read-latency.op: 'DELETE' is not allowed (allowed: READ, WRITE)");
        assertThatThrownBy(() -> LOADER.load(SHIPPED, List.of("grace=soon"), Map.of()))
                .hasMessageContaining("grace: expected a duration like 30s");
    }

    @Test
    void unknownKeysKindsAndActionsAreRefused() {
        assertThatThrownBy(() -> load("slo: {api: 0.999}\ntripwires:\n  x:\n    kind: latency\n    op: READ\n    percentile: 95\n"
                + "    treshold: 300\n    window: 5m\n    actions: [ALERT]\n"))
                .hasMessageContaining("tripwires.x.treshold: unknown key (allowed here:");
        assertThatThrownBy(() -> load("slo: {api: 0.999}\ntripwires:\n  x:\n    kind: magic\n"))
                .hasMessageContaining("tripwires.x.kind: 'magic' is not allowed (allowed: autonomy-ratio, burn-rate");
        assertThatThrownBy(() -> load("slo: {api: 0.999}\ntripwires:\n  x:\n    kind: error-budget\n    threshold: 0.6\n"
                + "    window: 24h\n    actions: [REBOOT]\n"))
                .hasMessageContaining("tripwires.x.actions[0]: 'REBOOT' is not allowed");
        assertThatThrownBy(() -> load("slo: {api: 0.999}\ntripwires:\n  x:\n    kind: error-budget\n    threshold: 0.6\n"
                + "    window: 24h\n    actions: [ALERT]\n    params: {OPEN_INCIDENT: {a: b}}\n"))
                .hasMessageContaining("tripwires.x.params.OPEN_INCIDENT: not one of this tripwire's actions");
    }

    @Test
    void errorsNameTheFile() {
        assertThatThrownBy(() -> load("grace: [\n")).hasMessageStartingWith("test.yaml: not valid YAML");
        assertThatThrownBy(() -> load("tripwires: {}\n")).hasMessageContaining("test.yaml: slo: expected a mapping");
    }

    @Test
    void aFileExtendsAnotherAndAnApproversKeyIsRelativeToTheFileThatNamesIt(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // the stories' rules (test-data/story-rules.yaml: key story-keys/public.pem next to it) extended from another directory
        Path other = java.nio.file.Files.createDirectories(dir.resolve("elsewhere"));
        Path story = Path.of("..", "test-data", "story-rules.yaml").toAbsolutePath().normalize();
        Path rules = java.nio.file.Files.writeString(other.resolve("rules.yaml"),
                "extends: " + story + "\ngrace: 45s\ntripwires:\n  read-latency:\n    threshold: 600\n");

        Rules r = new RulesLoader(TripwireKinds::parse).load(rules, List.of(), Map.of());

        assertThat(r.grace()).isEqualTo(Duration.ofSeconds(45));
        assertThat(((LatencyTripwire.Rule) r.rule("read-latency")).thresholdMs()).isEqualTo(600);
        // what the extended files say and this one does not is kept: the shipped write-latency, the story's approver
        assertThat(r.rule("write-latency")).isNotNull();
        assertThat(r.approvers()).extracting(a -> a.keyId()).containsExactly("dpo-2025", "pilot-2025");
        assertThat(r.approvers()).first().satisfies(a -> {
            assertThat(a.keyId()).isEqualTo("dpo-2025");
            assertThat(a.key()).isEqualTo(io.tripwire.signing.Ed25519Keys.readPublic(story.getParent().resolve("story-keys/public.pem")).get(0));
        });
        // a file that extends itself is refused, naming the loop
        java.nio.file.Files.writeString(other.resolve("loop.yaml"), "extends: loop.yaml\n");
        assertThatThrownBy(() -> new RulesLoader(TripwireKinds::parse).load(other.resolve("loop.yaml"), List.of(), Map.of()))
                .hasMessageContaining("extends itself");
    }
}
