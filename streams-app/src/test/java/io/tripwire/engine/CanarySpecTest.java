package io.tripwire.engine;

import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.TripwireAction;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static io.tripwire.engine.Events.at;
import static io.tripwire.engine.Events.labelled;
import static io.tripwire.engine.Events.request;
import static io.tripwire.engine.Events.rollout;
import static io.tripwire.engine.Events.versioned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * SPEC 3, "Canary judgement": requests labelled canary or baseline are judged against each other
 * minute by minute per stage, with the exact conditional likelihood ratio of each closed bucket
 * mixed into anytime-valid e-values (fire at 100 at the default 0.99, pass likewise). The exact
 * e-values of the first test come from src/test/resources/significance/reference_canary.py
 * (integer arithmetic); the others are behaviours on generated traffic.
 */
class CanarySpecTest {

    private static final String T = "TENANT_004";
    private static final Instant T0 = at("2025-10-06T10:00:00Z");

    private static ReplayOutput run(List<? extends SpecificRecord> events, String... sets) {
        List<SpecificRecord> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparing(e -> (Instant) e.get(e.getSchema().getField("ts").pos()))); // stable
        try (ReplayEngine e = Engines.engine(sets)) {
            e.sendAll(sorted);
            return e.output();
        }
    }

    private static List<String> canary(ReplayOutput out) {
        return out.actions().stream().filter(a -> a.getTripwire().startsWith("canary-"))
                .map(a -> a.getTripwire() + " " + a.getScope() + " " + a.getAction() + "@" + a.getFiredAt()).toList();
    }

    /** One minute bucket from 10:00: {@code nc} canary requests ({@code kc} failing), {@code nb} baseline ({@code kb} failing). */
    private static List<SpecificRecord> bucket(int nc, int kc, int nb, int kb) {
        List<SpecificRecord> e = new ArrayList<>();
        e.add(rollout(T0, T, 10, 2));
        for (int i = 0; i < nc; i++) {
            e.add(labelled(T0.plusMillis(1000L + 2000L * i), T, "api", "READ", i < kc ? 503 : 200, 80, "canary"));
        }
        for (int i = 0; i < nb; i++) {
            e.add(labelled(T0.plusMillis(1000L + 250L * i), T, "api", "READ", i < kb ? 503 : 200, 80, "baseline"));
        }
        return e;
    }

    @Test
    void aBucketAddsTheExactConditionalEvidenceOnceItHasClosed() {
        // given one bucket (10:00-10:01) with 8 of 20 canary requests failing and 2 of 200 baseline ones
        // (min-events 10: the stage holds enough of each cohort with this bucket)
        List<SpecificRecord> events = bucket(20, 8, 200, 2);
        String[] sets = {"tripwires.canary-errors.min-events=10", "tripwires.canary-latency.min-events=10"};
        // when the stream time reaches 10:01:29.999 (an unlabelled request): the bucket is still open
        events.add(request(at("2025-10-06T10:01:29.999Z"), T, "api", "READ", 200, 80));
        assertThat(canary(run(events, sets))).filteredOn(s -> s.startsWith("canary-errors")).isEmpty();

        // then at 10:01:30 (its end plus the 30 s grace) it closes: e_worse = 426,531 >= 100, firedAt its end
        events.add(request(at("2025-10-06T10:01:30Z"), T, "api", "READ", 200, 80));
        ReplayOutput out = run(events, sets);
        assertThat(canary(out)).filteredOn(s -> s.startsWith("canary-errors")).containsExactly(
                "canary-errors api ROLLBACK_LAST_STEP@2025-10-06T10:01:00Z", "canary-errors api ALERT@2025-10-06T10:01:00Z");
        TripwireAction rollback = Actions.of(out, "canary-errors").get(0);
        assertThat(rollback.getParams()).containsEntry("to", "2").containsEntry("region", "eu-west-1");
        assertThat(rollback.getEvidence()).containsEntry("canaryRequests", 20L).containsEntry("canaryBad", 8L)
                .containsEntry("baselineRequests", 200L).containsEntry("baselineBad", 2L).containsEntry("rateRatio", 40.0)
                .containsEntry("confidence", 0.99).containsEntry("stageStart", "2025-10-06T10:00:00Z");
        assertThat((Double) rollback.getEvidence().get("e")).isCloseTo(426_531, within(100.0)); // 4 significant digits
        String signal = out.signals().stream().filter(s -> s.contains("canary_e_worse") && s.contains("\"scope\":\"api\"")).findFirst().orElseThrow();
        assertThat(Double.parseDouble(signal.replaceAll(".*\"value\":([0-9.Ee+-]+).*", "$1"))).isCloseTo(426_530.974322629, within(1e-3));
    }

    @Test
    void anUninformativeBucketCarriesNoEvidenceAndABetterCanaryDoesNotFire() {
        // 1 of 20 canary failing against 10 of 200 baseline: e_worse = 0.49 (reference), nothing fires
        List<SpecificRecord> events = bucket(20, 1, 200, 10);
        events.add(request(at("2025-10-06T10:01:30Z"), T, "api", "READ", 200, 80));
        ReplayOutput out = run(events, "tripwires.canary-errors.min-events=10");
        assertThat(canary(out)).filteredOn(s -> s.startsWith("canary-errors")).isEmpty();
        assertThat(out.signals()).anyMatch(s -> s.contains("canary_e_worse") && s.contains("\"scope\":\"api\"") && s.contains("0.48694227"));
    }

    @Test
    void aSlowCanaryFiresTheLatencyKeyAndRollsBackToTheStagesPreviousPercent() {
        List<SpecificRecord> events = new ArrayList<>();
        events.add(rollout(T0, T, 10, 2));
        // 10% canary, READ 1.6x slower, same error rate
        events.addAll(CanaryTraffic.healthy(T, T0, Duration.ofMinutes(30), 20, 0.10, 1).canary(0.0002, 192).requests());
        ReplayOutput out = run(events);
        List<TripwireAction> fired = Actions.of(out, "canary-latency");
        assertThat(fired).extracting(a -> a.getAction().toString()).containsExactly("ROLLBACK_LAST_STEP", "ALERT");
        assertThat(fired.get(0).getParams()).containsEntry("to", "2");
        assertThat(fired.get(0).getFiredAt()).isBetween(T0, T0.plus(Duration.ofMinutes(10)));
        assertThat((Double) fired.get(0).getEvidence().get("tauMs")).isBetween(150.0, 250.0);
        assertThat(Actions.of(out, "canary-errors")).noneMatch(a -> a.getAction().toString().equals("ROLLBACK_LAST_STEP"));
    }

    @Test
    void anErroringCanaryFiresTheErrorKey() {
        List<SpecificRecord> events = new ArrayList<>();
        events.add(rollout(T0, T, 10, 2));
        // 10% canary failing 28x as often as the baseline (0.56% against 0.02%), latency unchanged
        events.addAll(CanaryTraffic.healthy(T, T0, Duration.ofMinutes(60), 20, 0.10, 2).canary(0.0056, 120).requests());
        ReplayOutput out = run(events);
        assertThat(canary(out)).filteredOn(s -> s.startsWith("canary-errors")).hasSize(2)
                .allMatch(s -> s.contains("ROLLBACK_LAST_STEP@") || s.contains("ALERT@"));
        assertThat(Actions.of(out, "canary-latency")).noneMatch(a -> a.getAction().toString().equals("ROLLBACK_LAST_STEP"));
    }

    @Test
    void aLateOnsetRegressionFiresAfterItsOnsetAndNotBefore() {
        Instant onset = at("2025-10-06T10:30:00Z");
        List<SpecificRecord> events = new ArrayList<>();
        events.add(rollout(T0, T, 10, 2));
        events.addAll(CanaryTraffic.healthy(T, T0, Duration.ofMinutes(60), 20, 0.10, 3).canary(0.0002, 192).from(onset).requests());
        ReplayOutput out = run(events);
        List<TripwireAction> fired = Actions.of(out, "canary-latency").stream()
                .filter(a -> a.getAction().toString().equals("ROLLBACK_LAST_STEP")).toList();
        assertThat(fired).hasSize(1);
        assertThat(fired.get(0).getFiredAt()).isAfter(onset).isBefore(onset.plus(Duration.ofMinutes(15)));
    }

    @Test
    void aHealthyCanaryNeverFiresAndItsLatencyPasses() {
        List<SpecificRecord> events = new ArrayList<>();
        events.add(rollout(T0, T, 10, 2));
        events.addAll(CanaryTraffic.healthy(T, T0, Duration.ofMinutes(60), 20, 0.10, 4).canary(0.0002, 120).requests());
        ReplayOutput out = run(events);
        assertThat(canary(out)).noneMatch(s -> s.contains("ROLLBACK_LAST_STEP") || s.contains(" ALERT"));
        // slow requests are common (5% by definition): "no worse than 1.5x" shows within the hour
        assertThat(canary(out)).filteredOn(s -> s.startsWith("canary-latency")).singleElement().asString().contains("CANARY_PASSED@");
        assertThat(Actions.of(out, "canary-latency").get(0).getReason()).startsWith("canary no worse than baseline");
    }

    @Test
    void aFasterCanaryPassesToo() {
        List<SpecificRecord> events = new ArrayList<>();
        events.add(rollout(T0, T, 25, 10));
        events.addAll(CanaryTraffic.healthy(T, T0, Duration.ofMinutes(30), 20, 0.25, 5).canary(0.0002, 90).requests());
        assertThat(canary(run(events))).singleElement().asString().startsWith("canary-latency READ CANARY_PASSED@");
    }

    @Test
    void unlabelledTrafficProducesNoCanaryRecordOrSignal() {
        List<SpecificRecord> events = new ArrayList<>();
        events.add(rollout(T0, T, 10, 2, "v2"));
        for (RequestLatency r : CanaryTraffic.healthy(T, T0, Duration.ofMinutes(20), 20, 0.10, 6).canary(0.05, 300).requests()) {
            // the same traffic without labels, or with a cohort the judgement does not know
            events.add(RequestLatency.newBuilder(r).setCohort(r.getCohort().equals("canary") ? "shadow" : null).build());
        }
        ReplayOutput out = run(events);
        assertThat(canary(out)).isEmpty();
        assertThat(out.signals()).noneMatch(s -> s.contains("canary_"));
    }

    @Test
    void theTenantLevelTripwiresAreTheSameWithOrWithoutLabels() {
        List<SpecificRecord> labelledEvents = new ArrayList<>();
        List<SpecificRecord> plain = new ArrayList<>();
        labelledEvents.add(rollout(T0, T, 10, 2));
        plain.add(rollout(T0, T, 10, 2));
        for (RequestLatency r : CanaryTraffic.healthy(T, T0, Duration.ofMinutes(30), 20, 0.10, 7).canary(0.05, 300).requests()) {
            labelledEvents.add(r);
            plain.add(RequestLatency.newBuilder(r).setCohort(null).build());
        }
        List<String> withLabels = run(labelledEvents).actions().stream().filter(a -> !a.getTripwire().startsWith("canary-"))
                .map(a -> a.getActionId()).toList();
        List<String> without = run(plain).actions().stream().map(a -> a.getActionId()).toList();
        assertThat(withLabels).isNotEmpty().isEqualTo(without);
    }

    @Test
    void aRequestWithOnlyAVersionIsCanaryWhenItCarriesTheStagesVersion() {
        List<SpecificRecord> events = new ArrayList<>();
        events.add(rollout(T0, T, 10, 2, "v2"));
        for (RequestLatency r : CanaryTraffic.healthy(T, T0, Duration.ofMinutes(30), 20, 0.10, 1).canary(0.0002, 192).requests()) {
            events.add(versioned(r.getTs(), T, "api", "READ", r.getStatus(), r.getLatencyMs(), r.getCohort().equals("canary") ? "v2" : "v1"));
        }
        List<SpecificRecord> byCohort = new ArrayList<>();
        byCohort.add(rollout(T0, T, 10, 2, "v2"));
        byCohort.addAll(CanaryTraffic.healthy(T, T0, Duration.ofMinutes(30), 20, 0.10, 1).canary(0.0002, 192).requests());
        assertThat(canary(run(events))).isNotEmpty().isEqualTo(canary(run(byCohort)));
    }

    @Test
    void aStageChangeResolvesAFiringKeyAndTheNextStageStartsAfresh() {
        Instant next = at("2025-10-06T10:30:00Z");
        List<SpecificRecord> events = new ArrayList<>();
        events.add(rollout(T0, T, 10, 2));
        events.addAll(CanaryTraffic.healthy(T, T0, Duration.ofMinutes(30), 20, 0.10, 1).canary(0.0002, 192).requests());
        // the rollout script steps back to 2% at 10:30 with the fixed version: healthy from there
        events.add(rollout(next, T, 2, 10));
        events.addAll(CanaryTraffic.healthy(T, next, Duration.ofMinutes(30), 20, 0.02, 8).requests());
        ReplayOutput out = run(events);
        assertThat(out.deadLetters()).isEmpty(); // e of ~1e300 and more stays a finite evidence number
        List<String> latency = canary(out).stream().filter(s -> s.startsWith("canary-latency")).toList();
        assertThat(latency).hasSizeGreaterThanOrEqualTo(3);
        assertThat(latency.subList(0, 3)).extracting(s -> s.substring(s.indexOf(' ', s.indexOf(' ') + 1) + 1, s.indexOf('@')))
                .containsExactly("ROLLBACK_LAST_STEP", "ALERT", "RESOLVED");
        assertThat(latency.get(2)).endsWith("@" + next);
        assertThat(latency.subList(3, latency.size())).noneMatch(s -> s.contains("ROLLBACK_LAST_STEP"));
        // the e-value of the new stage starts from 1 again
        assertThat(out.signals()).anyMatch(s -> s.contains("canary_e_worse") && s.contains("\"scope\":\"READ\"")
                && s.contains("\"at\":\"2025-10-06T10:31:00Z\"") && s.contains("\"value\":1.0"));
    }

    @Test
    void aRouterThatSwitchesAMinuteAfterTheRolloutEventDoesNotFireAHealthyCanary() {
        List<SpecificRecord> events = new ArrayList<>();
        events.add(rollout(T0, T, 10, 2));
        // the router still sends 2% to the canary in the step's first minute, then 10%
        events.addAll(CanaryTraffic.healthy(T, T0, Duration.ofMinutes(1), 200, 0.02, 9).requests());
        events.addAll(CanaryTraffic.healthy(T, T0.plusSeconds(60), Duration.ofMinutes(40), 200, 0.10, 10).requests());
        ReplayOutput out = run(events);
        assertThat(canary(out)).noneMatch(s -> s.contains("ROLLBACK_LAST_STEP") || s.contains(" ALERT"));
    }

    @Test
    void aSplitThatIsNotTheStepsIsOneWarningPerStage() {
        List<SpecificRecord> events = new ArrayList<>();
        events.add(rollout(T0, T, 10, 2));
        // the step says 10%, the router sends 25%
        events.addAll(CanaryTraffic.healthy(T, T0, Duration.ofMinutes(20), 20, 0.25, 11).requests());
        ReplayOutput out = run(events);
        List<TripwireAction> split = Actions.of(out, "canary-split");
        assertThat(split).singleElement().satisfies(a -> {
            assertThat(a.getAction().toString()).isEqualTo("ALERT");
            assertThat(a.getParams()).containsEntry("severity", "warning");
            assertThat(a.getReason()).contains("but the rollout step says 10%");
            assertThat(a.getFiredAt()).isAfterOrEqualTo(at("2025-10-06T10:03:00Z")); // the first 2 minutes settle
        });
    }
}
