package io.tripwire.engine.oracle;

import io.tripwire.json.JsonForm;
import io.tripwire.schemas.AutonomyDecision;
import io.tripwire.schemas.AutonomyMode;
import io.tripwire.schemas.AutonomyOutcome;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.Op;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.PolicyVerdict;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.RolloutStep;
import org.apache.avro.specific.SpecificRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded random scenarios: 1-4 tenants over 1-3 hours mixing every input kind, with bursts of
 * traffic and errors, latency spikes, replica-lag runs, compensations, HITL steps, denies,
 * overrides, rollout raises, and events delivered out of order (within grace) or late.
 *
 * <p>The only bending done for the engine's sake: no latency value lies within 0.2% of a latency
 * threshold (the engine reports HdrHistogram bucket edges, exact within 0.1%).
 */
final class Scenario {

    record Generated(long seed, OracleConfig config, List<SpecOracle.Input> delivery, String summary) {
    }

    /** Names that are prefixes of each other, and a non-ASCII one: tenants must stay isolated whatever their ids. */
    private static final String[] TENANTS = {"TENANT_1", "TENANT_10", "TENANT_100", "tenant-\u03b2"};

    private static final Instant BASE = Instant.parse("2025-10-06T10:00:00Z");

    private final Random rnd;
    private final List<SpecificRecord> events = new ArrayList<>();
    /** Events delivered at a time other than their ts (a skewed clock: ts ahead of delivery). */
    private final java.util.IdentityHashMap<SpecificRecord, Long> deliverAt = new java.util.IdentityHashMap<>();
    /** The tenant's labelled traffic (SPEC 3 "Canary judgement"): 0 none, 1 cohort labels, 2 versions (the steps name v2). */
    private int canaryMode;
    private double canaryShare;

    private Scenario(long seed) {
        rnd = new Random(seed);
    }

    static String tenant(SpecificRecord e) {
        return e.get(e.getSchema().getField("tenant").pos()).toString();
    }

    static Instant ts(SpecificRecord e) {
        return (Instant) e.get(e.getSchema().getField("ts").pos());
    }

    static String describe(SpecificRecord e) {
        try {
            return JsonForm.write(e);
        } catch (RuntimeException ex) {
            return e.toString();
        }
    }

    /** A scenario of roughly {@code budget} events. */
    static Generated generate(long seed, int budget) {
        return new Scenario(seed).build(seed, budget);
    }

    private Generated build(long seed, int budget) {
        // mostly the shipped rules; some seeds run what-if numbers (min-events, grace, SLOs) through --set
        OracleConfig config = OracleConfig.DEFAULTS;
        if (rnd.nextInt(3) == 0) {
            config = config.withMinEvents(20 + rnd.nextInt(60));
        }
        if (rnd.nextInt(4) == 0) {
            config = config.withGraceSeconds(new int[] {0, 10, 45, 120}[rnd.nextInt(4)]);
        }
        if (rnd.nextInt(4) == 0) {
            config = config.withSlo("0.99", "0.98");
        }
        if (rnd.nextInt(4) == 0) {
            config = config.withShortWindows(30 + rnd.nextInt(60), 10 + rnd.nextInt(40), 20 + rnd.nextInt(40));
        }
        // the significance guard: mostly the default 0.95, some seeds off (the plain estimate) or at other levels
        switch (rnd.nextInt(6)) {
            case 0 -> config = config.withConfidence(null);
            case 1 -> config = config.withConfidence(new java.math.BigDecimal("0.9"));
            case 2 -> config = config.withConfidence(new java.math.BigDecimal("0.99"));
            default -> { }
        }
        if (rnd.nextInt(5) == 0) {
            config = config.withKeepFiringForMinutes(1 + rnd.nextInt(10));
        }
        if (rnd.nextInt(3) != 0) {
            // canary buckets count from fewer requests of each cohort, so short scenarios reach the evidence
            config = config.withCanaryMinEvents(new int[] {5, 20, 40}[rnd.nextInt(3)]);
        }
        if (rnd.nextInt(4) == 0) {
            // other prior strengths of the e-value (SPEC 3 "Significance"): weaker and stronger priors
            config = config.withPriorStrength(new double[] {50, 300, 5000}[rnd.nextInt(3)], new double[] {20, 300}[rnd.nextInt(2)]);
        }
        int minutes = 60 + rnd.nextInt(121);
        long t0 = BASE.toEpochMilli() + rnd.nextInt(600) * 60_000L + (rnd.nextBoolean() ? 0 : rnd.nextInt(60_000));
        int tenants = 1 + rnd.nextInt(4);
        int perTenant = budget / tenants;
        for (int k = 0; k < tenants; k++) {
            String tenant = TENANTS[k];
            boolean wholeSeconds = rnd.nextBoolean();
            tenant(tenant, t0, minutes, perTenant, wholeSeconds);
        }
        // in timestamp order (stable), then delivered with delays: most on time, some out of order, a few late
        List<SpecificRecord> byTs = new ArrayList<>(events);
        byTs.sort(Comparator.comparing(Scenario::ts));
        record Pending(SpecificRecord e, long line, long deliverAt) {
        }
        List<Pending> pending = new ArrayList<>();
        int outOfOrder = 0;
        int lateish = 0;
        for (int i = 0; i < byTs.size(); i++) {
            SpecificRecord e = byTs.get(i);
            long ts = ts(e).toEpochMilli();
            boolean whole = ts % 1000 == 0;
            double p = rnd.nextDouble();
            long delay = 0;
            if (p < 0.06) {
                delay = 1_000L * (1 + rnd.nextInt(30)) + (whole ? 0 : rnd.nextInt(1000)); // 1..31 s
                outOfOrder++;
            } else if (p < 0.075) {
                delay = 1_000L * (31 + rnd.nextInt(90)) + (whole ? 0 : rnd.nextInt(1000)); // 31..121 s
                lateish++;
            }
            pending.add(new Pending(e, i + 1, deliverAt.getOrDefault(e, ts + delay)));
        }
        pending.sort(Comparator.comparingLong(Pending::deliverAt));
        List<SpecOracle.Input> delivery = pending.stream().map(p -> new SpecOracle.Input(p.e, p.line)).toList();
        String summary = "seed " + seed + ": " + tenants + " tenant(s), " + minutes + " min from " + Instant.ofEpochMilli(t0)
                + ", " + delivery.size() + " events (" + outOfOrder + " delayed <=31s, " + lateish + " delayed >31s), min-events "
                + config.minEvents() + ", confidence " + (config.confidence() == null ? "off" : config.confidence())
                + ", prior strength " + config.priorStrength() + "/" + config.autonomyPriorStrength() + ", engine --set " + String.join(" ", config.engineSets());
        return new Generated(seed, config, delivery, summary);
    }

    private long at(long t, boolean wholeSeconds) {
        return wholeSeconds ? Math.floorDiv(t, 1000) * 1000 : t;
    }

    private void tenant(String tenant, long t0, int minutes, int budget, boolean whole) {
        long end = t0 + minutes * 60_000L;
        // budget split: requests ~65%, metrics ~15%, autonomy ~15%, the rest ~5%
        int reqBudget = (int) (budget * 0.65);
        canaryMode = rnd.nextInt(3);
        canaryShare = 0.05 + rnd.nextDouble() * 0.45;
        requests(tenant, t0, minutes, reqBudget, whole);
        metrics(tenant, t0, end, (int) (budget * 0.15), whole);
        autonomy(tenant, t0, end, (int) (budget * 0.15), whole);
        policyAndRollout(tenant, t0, end, whole);
    }

    private record Episode(int from, int to) {
        boolean has(int m) {
            return m >= from && m < to;
        }
    }

    private List<Episode> episodes(int minutes, int max, int minLen, int maxLen) {
        List<Episode> out = new ArrayList<>();
        int n = rnd.nextInt(max + 1);
        for (int i = 0; i < n; i++) {
            int len = minLen + rnd.nextInt(maxLen - minLen + 1);
            int from = rnd.nextInt(Math.max(1, minutes - len / 2));
            out.add(new Episode(from, from + len));
        }
        return out;
    }

    private static boolean any(List<Episode> eps, int m) {
        return eps.stream().anyMatch(e -> e.has(m));
    }

    private void requests(String tenant, long t0, int minutes, int budget, boolean whole) {
        List<Episode> bursts = episodes(minutes, 3, 5, 20);
        List<Episode> apiErrors = episodes(minutes, 3, 2, 25);
        List<Episode> ingestErrors = episodes(minutes, 2, 5, 40);
        List<Episode> readSlow = episodes(minutes, 2, 6, 30);
        List<Episode> writeSlow = episodes(minutes, 2, 6, 30);
        List<Episode> silence = episodes(minutes, 1, 3, 12);
        // now and then a gateway with a skewed clock sends one request minutes ahead
        int skewAt = rnd.nextInt(4) == 0 ? rnd.nextInt(minutes) : -1;
        int burstMinutes = 0;
        for (int m = 0; m < minutes; m++) {
            if (any(bursts, m)) {
                burstMinutes++;
            }
        }
        int burstFactor = 4 + rnd.nextInt(6);
        double base = Math.max(1.0, budget / (double) (minutes + burstMinutes * (burstFactor - 1)));
        double apiErr = rnd.nextInt(3) == 0 ? 0 : rnd.nextDouble() * 0.004;
        double apiErrBurst = 0.01 + rnd.nextDouble() * 0.25;
        double ingestErr = rnd.nextDouble() * 0.01;
        double ingestErrBurst = 0.01 + rnd.nextDouble() * 0.1;
        double ingestShare = rnd.nextDouble() * 0.5;
        double readMedian = 80 + rnd.nextInt(120);
        double writeMedian = 150 + rnd.nextInt(250);
        double readSlowMedian = 300 + rnd.nextInt(300);
        double writeSlowMedian = 550 + rnd.nextInt(600);
        List<Episode> canaryWorse = episodes(minutes, 2, 5, 40);
        double canaryErr = 0.03 + rnd.nextDouble() * 0.3;
        double canarySlower = 1.2 + rnd.nextDouble() * 1.5;
        for (int m = 0; m < minutes; m++) {
            if (m == skewAt) {
                RequestLatency skewed = RequestLatency.newBuilder().setTs(Instant.ofEpochMilli(at(t0 + (m + 3 + rnd.nextInt(15)) * 60_000L
                                + rnd.nextInt(60_000), whole))).setTenant(tenant).setService("api").setOp(Op.READ).setStatus(200)
                        .setLatencyMs(42.0).setRegion(null).setRoute(null).setRequestId(null).build();
                events.add(skewed);
                deliverAt.put(skewed, t0 + m * 60_000L);
            }
            if (any(silence, m)) {
                continue;
            }
            double rate = base * (any(bursts, m) ? burstFactor : 1);
            int n = (int) Math.round(rate * (0.6 + 0.8 * rnd.nextDouble()));
            for (int i = 0; i < n; i++) {
                long ts = at(t0 + m * 60_000L + rnd.nextInt(60_000), whole);
                double u = rnd.nextDouble();
                String service = u < ingestShare ? "ingest" : u < ingestShare + 0.03 ? "search" : "api";
                Op op = service.equals("ingest") ? (rnd.nextInt(10) == 0 ? Op.READ : Op.WRITE) : (rnd.nextInt(5) < 3 ? Op.READ : Op.WRITE);
                double errP = service.equals("ingest") ? (any(ingestErrors, m) ? ingestErrBurst : ingestErr)
                        : (any(apiErrors, m) ? apiErrBurst : apiErr);
                int status = rnd.nextDouble() < errP ? new int[] {500, 503, 503, 504, 599}[rnd.nextInt(5)]
                        : new int[] {200, 200, 200, 201, 204, 302, 404, 499}[rnd.nextInt(8)];
                double median = op == Op.READ ? (any(readSlow, m) ? readSlowMedian : readMedian)
                        : (any(writeSlow, m) ? writeSlowMedian : writeMedian);
                double latency = Math.round(median * Math.exp(rnd.nextGaussian() * 0.35) * 10) / 10.0;
                if (rnd.nextInt(200) == 0) {
                    latency = rnd.nextInt(3) * 0.5; // a few zero / tiny latencies
                } else if (rnd.nextInt(1500) == 0) {
                    latency = new double[] {60_000, 3_600_000, 1e8}[rnd.nextInt(3)]; // valid (finite, >= 0), just huge
                }
                latency = awayFromThresholds(latency);
                String cohort = null;
                String version = null;
                if (canaryMode != 0 && rnd.nextInt(20) != 0) {
                    boolean canary = rnd.nextDouble() < canaryShare;
                    if (canary && any(canaryWorse, m)) {
                        status = rnd.nextDouble() < canaryErr ? 503 : status;
                        latency = latency * canarySlower;
                    }
                    latency = labelledLatency(latency);
                    if (canaryMode == 1 || rnd.nextInt(10) == 0) {
                        cohort = rnd.nextInt(50) == 0 ? "shadow" : canary ? "canary" : "baseline";
                    } else {
                        version = canary ? "v2" : "v1";
                    }
                }
                events.add(RequestLatency.newBuilder().setTs(Instant.ofEpochMilli(ts)).setTenant(tenant).setService(service)
                        .setOp(op).setStatus(status).setLatencyMs(latency).setRegion("eu-west-1").setRoute("/r")
                        .setRequestId(null).setCohort(cohort).setVersion(version).build());
            }
        }
    }

    /**
     * A labelled request's latency on a grid coarser than the histograms' resolution (whole ms under
     * 1 s, 100 ms steps above), so "slower than τ" is the same exactly and at that resolution; and
     * more than 0.3% away from the 350 and 700 ms thresholds.
     */
    static double labelledLatency(double ms) {
        if (ms >= 1e6) {
            return ms; // the huge ones are far from any τ
        }
        double v = ms < 1000 ? Math.round(ms) : Math.round(ms / 100) * 100.0;
        for (double thr : new double[] {350, 700}) {
            if (Math.abs(v - thr) <= 2.5) {
                v = v < thr ? thr - 3 : thr + 3;
            }
        }
        return v;
    }

    /** HdrHistogram precision: keep every value more than 0.2% away from 350 and 700 ms. */
    static double awayFromThresholds(double ms) {
        for (double thr : new double[] {350, 700}) {
            if (ms >= thr * 0.997 && ms <= thr * 1.003) {
                return ms < thr ? Math.floor(thr * 0.997 * 10 - 1) / 10.0 : Math.ceil(thr * 1.003 * 10 + 1) / 10.0;
            }
        }
        return ms;
    }

    private void metrics(String tenant, long t0, long end, int budget, boolean whole) {
        if (rnd.nextInt(2) == 0) {
            cacheAndCost(tenant, t0, end, whole);
        }
        int series = 1 + rnd.nextInt(2);
        int samplesPerSeries = Math.max(10, budget / series);
        long every = Math.max(5_000, (end - t0) / samplesPerSeries);
        for (int s = 0; s < series; s++) {
            Map<String, String> labels = s == 0 && rnd.nextInt(8) == 0 ? Map.of()
                    : rnd.nextBoolean() ? Map.of("replica", "db-" + s) : Map.of("replica", "db-" + s, "cluster", "c1");
            int minutes = (int) ((end - t0) / 60_000);
            List<Episode> lag = episodes(minutes, 3, 2, 15);
            long jitter = rnd.nextInt((int) Math.min(every, 10_000));
            for (long t = t0 + jitter; t < end; t += every) {
                int m = (int) ((t - t0) / 60_000);
                double v;
                if (any(lag, m)) {
                    double u = rnd.nextDouble();
                    v = u < 0.04 ? 60.0 : u < 0.08 ? 30 + rnd.nextInt(30) : Math.round((60.5 + rnd.nextDouble() * 35) * 10) / 10.0;
                } else {
                    v = Math.round((1 + rnd.nextDouble() * 5) * 10) / 10.0;
                }
                events.add(MetricSample.newBuilder().setTs(Instant.ofEpochMilli(at(t, whole))).setTenant(tenant)
                        .setName("pg_replica_lag_seconds").setValue(v).setLabels(labels).build());
                if (rnd.nextInt(40) == 0) {
                    events.add(MetricSample.newBuilder().setTs(Instant.ofEpochMilli(at(t + 1, whole))).setTenant(tenant)
                            .setName("process_cpu_seconds_total").setValue(99.0).setLabels(labels).build());
                }
            }
        }
    }

    /**
     * Issue 26: a cache_hit_ratio series (per node, now and then) that dips under 0.92 for 3 to 15 minutes
     * now and then (some samples exactly at 0.92), and a cost_budget_used_ratio that climbs, sometimes past 0.80.
     */
    private void cacheAndCost(String tenant, long t0, long end, boolean whole) {
        int minutes = (int) ((end - t0) / 60_000);
        List<Episode> dips = episodes(minutes, 3, 3, 15);
        Map<String, String> labels = rnd.nextBoolean() ? Map.of() : Map.of("node", "cache-" + rnd.nextInt(3));
        long every = 15_000 + rnd.nextInt(30_000);
        for (long t = t0 + rnd.nextInt(10_000); t < end; t += every) {
            int m = (int) ((t - t0) / 60_000);
            double u = rnd.nextDouble();
            double v = any(dips, m) ? (u < 0.05 ? 0.92 : u < 0.08 ? 0.93 : 0.85 + rnd.nextInt(7) / 100.0)
                    : (u < 0.03 ? 0.92 : 0.93 + rnd.nextInt(6) / 100.0);
            events.add(MetricSample.newBuilder().setTs(Instant.ofEpochMilli(at(t, whole))).setTenant(tenant)
                    .setName("cache_hit_ratio").setValue(v).setLabels(labels).build());
        }
        double cost = 0.5 + rnd.nextDouble() * 0.3;
        double climb = rnd.nextDouble() * 0.004;
        for (long t = t0 + rnd.nextInt(60_000); t < end; t += 60_000 + rnd.nextInt(60_000)) {
            cost = Math.round((cost + climb * (rnd.nextDouble() * 2)) * 1000) / 1000.0;
            double v = rnd.nextInt(30) == 0 ? 0.8 : cost;
            events.add(MetricSample.newBuilder().setTs(Instant.ofEpochMilli(at(t, whole))).setTenant(tenant)
                    .setName("cost_budget_used_ratio").setValue(v).setLabels(Map.of()).build());
        }
    }

    private void autonomy(String tenant, long t0, long end, int budget, boolean whole) {
        if (rnd.nextInt(5) == 0) {
            return;
        }
        if (rnd.nextInt(3) == 0) {
            pilot(tenant, t0, end, budget, whole);
            return;
        }
        long every = Math.max(3_000, (end - t0) / Math.max(1, budget));
        double hitlP = rnd.nextInt(3) == 0 ? 0 : rnd.nextDouble() * 0.004;
        double compP = rnd.nextInt(3) == 0 ? 0 : rnd.nextDouble() * 0.01;
        int op = 0;
        for (long t = t0 + rnd.nextInt(5_000); t < end; t += every) {
            long ts = at(t, whole);
            double u = rnd.nextDouble();
            AutonomyOutcome outcome = u < hitlP ? AutonomyOutcome.HITL_OVERRIDE : AutonomyOutcome.AUTONOMOUS;
            events.add(auto(ts, tenant, tenant + "-op-" + op++, AutonomyMode.ENACT, outcome));
            if (rnd.nextDouble() < compP) {
                events.add(auto(ts + 1_000 * rnd.nextInt(20), tenant, tenant + "-op-" + rnd.nextInt(op), AutonomyMode.ENACT,
                        AutonomyOutcome.COMPENSATED));
            }
            if (rnd.nextInt(8) == 0) {
                events.add(auto(ts, tenant, tenant + "-sim-" + op, AutonomyMode.SIMULATE,
                        AutonomyOutcome.values()[rnd.nextInt(3)]));
            }
        }
    }

    /**
     * The autonomy pilot's loop (issue 24): a simulation phase (dense enough that it can pass, now and then
     * drifting), ENACT after it with the simulation going on beside production now and then, and approvals to
     * enact at random times: mostly by the pilot lead's key, some before the simulation can have passed, some
     * with the DPO's key (not permitted), expired, or reusing a token.
     */
    private void pilot(String tenant, long t0, long end, int budget, boolean whole) {
        long span = end - t0;
        long simEnd = t0 + span * (3 + rnd.nextInt(5)) / 10;
        int simOps = Math.min(1600, Math.max(300, budget * 3));
        long every = Math.max(250, (simEnd - t0) / simOps);
        double drift = new double[] {0, 0, 0.002, 0.03}[rnd.nextInt(4)];
        double enactComp = rnd.nextInt(2) == 0 ? 0 : rnd.nextDouble() * 0.02;
        int op = 0;
        for (long t = t0 + rnd.nextInt(2_000); t < end; t += t < simEnd ? every : Math.max(every, 3_000)) {
            long ts = at(t, whole);
            if (t < simEnd || rnd.nextInt(4) == 0) {
                events.add(auto(ts, tenant, tenant + "-sim-" + op, AutonomyMode.SIMULATE,
                        rnd.nextInt(60) == 0 ? AutonomyOutcome.HITL_OVERRIDE : AutonomyOutcome.AUTONOMOUS));
                if (rnd.nextDouble() < drift) {
                    events.add(auto(ts + 1_000L * rnd.nextInt(10), tenant, tenant + "-sim-" + rnd.nextInt(op + 1), AutonomyMode.SIMULATE,
                            AutonomyOutcome.COMPENSATED));
                }
            } else {
                events.add(auto(ts, tenant, tenant + "-op-" + op, AutonomyMode.ENACT,
                        rnd.nextInt(100) == 0 ? AutonomyOutcome.HITL_OVERRIDE : AutonomyOutcome.AUTONOMOUS));
                if (rnd.nextDouble() < enactComp) {
                    events.add(auto(ts + 1_000L * rnd.nextInt(20), tenant, tenant + "-op-" + rnd.nextInt(op + 1), AutonomyMode.ENACT,
                            AutonomyOutcome.COMPENSATED));
                }
            }
            op++;
        }
        int approvals = 1 + rnd.nextInt(3);
        for (int i = 0; i < approvals; i++) {
            long t = at(t0 + (long) (rnd.nextDouble() * span), whole);
            String token = rnd.nextInt(4) == 0 ? "pilot-tok-0" : "pilot-tok-" + i;
            HumanOverride unsigned = HumanOverride.newBuilder().setTs(Instant.ofEpochMilli(t)).setTenant(tenant).setTripwire("simulation-delta")
                    .setApprovalTokenId(token).setBy("pilot-lead@example.org").build();
            int kind = rnd.nextInt(8);
            long notAfter = kind == 1 ? t - 1_000 : t + 60_000L * (5 + rnd.nextInt(56));
            boolean dpo = kind == 0;
            events.add(io.tripwire.signing.OverrideSignatures.sign(HumanOverride.newBuilder(unsigned)
                    .setKeyId(dpo ? io.tripwire.engine.Events.STORY_KEY_ID : io.tripwire.engine.Events.PILOT_KEY_ID)
                    .setNotAfter(Instant.ofEpochMilli(notAfter)).build(), dpo ? io.tripwire.engine.Events.STORY_KEY : io.tripwire.engine.Events.PILOT_KEY));
        }
    }

    private static AutonomyDecision auto(long ts, String tenant, String opId, AutonomyMode mode, AutonomyOutcome outcome) {
        return AutonomyDecision.newBuilder().setTs(Instant.ofEpochMilli(ts)).setTenant(tenant).setOpId(opId).setMode(mode)
                .setOutcome(outcome).build();
    }

    private void policyAndRollout(String tenant, long t0, long end, boolean whole) {
        long span = end - t0;
        // ALLOWs now and then
        for (long t = t0 + rnd.nextInt(60_000); t < end; t += 60_000 + rnd.nextInt(120_000)) {
            events.add(policy(at(t, whole), tenant, "ok-" + t, PolicyVerdict.ALLOW, rnd.nextBoolean() ? "residency" : "purpose"));
        }
        int denies = rnd.nextInt(5);
        for (int i = 0; i < denies; i++) {
            long t = at(t0 + (long) (rnd.nextDouble() * span), whole);
            String policy = switch (rnd.nextInt(5)) {
                case 0, 1, 2 -> "residency";
                case 3 -> "purpose";
                default -> "retention";
            };
            events.add(policy(t, tenant, "deny-" + i, PolicyVerdict.DENY, policy));
        }
        int overrides = rnd.nextInt(4);
        for (int i = 0; i < overrides; i++) {
            long t = at(t0 + (long) (rnd.nextDouble() * span), whole);
            String tw = switch (rnd.nextInt(5)) {
                case 0, 1 -> "residency-violation";
                case 2, 3 -> "error-budget";
                default -> "burn-rate-fast";
            };
            events.add(approval(t, tenant, tw, "tok-" + i, "dpo@example.org"));
            if (rnd.nextInt(3) == 0) { // a second approver, shortly after (now and then with the same token: reused)
                events.add(approval(at(t + 1_000 + rnd.nextInt(60_000), whole), tenant, tw, rnd.nextInt(3) == 0 ? "tok-" + i : "tok-" + i + "b",
                        "sre@example.org"));
            }
        }
        // rollout: sometimes a step before the window, then a few steps up and down, some without previousPercent
        int[] ladder = {2, 10, 25, 50, 100};
        int level = rnd.nextInt(2);
        if (rnd.nextInt(4) != 0) {
            events.add(step(at(t0 - 3_600_000L, whole), tenant, ladder[level + 1], ladder[level], canaryMode == 2 ? "v2" : null));
            level++;
        }
        int steps = rnd.nextInt(6);
        for (int i = 0; i < steps; i++) {
            long t = at(t0 + (long) (rnd.nextDouble() * span), whole);
            int next = rnd.nextInt(4) == 0 ? Math.max(0, level - 1) : Math.min(ladder.length - 1, level + 1);
            Integer previous = rnd.nextInt(5) == 0 ? null : ladder[level];
            String version = canaryMode == 2 ? (rnd.nextInt(6) == 0 ? "v3" : "v2") : null;
            events.add(step(t, tenant, ladder[next], previous, version));
            if (rnd.nextInt(3) == 0) { // the rollout script retries the same step
                events.add(step(at(t + 2_000 + rnd.nextInt(50_000), whole), tenant, ladder[next], previous, version));
            }
            level = next;
        }
    }

    /** Another Ed25519 key: one the rules do not trust. */
    private static final java.security.KeyPair STRANGER = io.tripwire.signing.Ed25519Keys.generate();

    /**
     * An override as SPEC 3 "Human approvals" has them: mostly signed by the stories' approver (trusted by
     * the rules the engine runs with), valid for 5 to 60 minutes; now and then unsigned, changed after
     * signing, signed by an unknown key, already expired, or carrying the trusted key's id over a
     * stranger's signature.
     */
    private HumanOverride approval(long ts, String tenant, String tw, String token, String by) {
        HumanOverride bare = HumanOverride.newBuilder().setTs(Instant.ofEpochMilli(ts)).setTenant(tenant).setTripwire(tw)
                .setApprovalTokenId(token).setBy(by).build();
        int kind = rnd.nextInt(10);
        if (kind == 0) {
            return bare;
        }
        long notAfter = kind == 1 ? ts - 1_000 - rnd.nextInt(60_000) : ts + 60_000L * (5 + rnd.nextInt(56));
        HumanOverride unsigned = HumanOverride.newBuilder(bare).setKeyId("dpo-2025").setNotAfter(Instant.ofEpochMilli(notAfter)).build();
        if (kind == 2) {
            return io.tripwire.signing.OverrideSignatures.sign(HumanOverride.newBuilder(unsigned).setKeyId("intruder").build(), STRANGER.getPrivate());
        }
        if (kind == 3) {
            return io.tripwire.signing.OverrideSignatures.sign(unsigned, STRANGER.getPrivate());
        }
        HumanOverride signed = io.tripwire.signing.OverrideSignatures.sign(unsigned, io.tripwire.engine.Events.STORY_KEY);
        return kind == 4 ? HumanOverride.newBuilder(signed).setBy("someone-else").build() : signed;
    }

    private static PolicyDecision policy(long ts, String tenant, String opId, PolicyVerdict verdict, String policy) {
        return PolicyDecision.newBuilder().setTs(Instant.ofEpochMilli(ts)).setTenant(tenant).setOpId(opId).setDecision(verdict)
                .setPolicy(policy).setResidencyZone("eu").setDataZone("us").setPurpose(null).build();
    }

    /** Steps name one of two regions ramping at once, or none (issue 26: ROLLBACK_LAST_STEP names the last step's region). */
    private RolloutStep step(long ts, String tenant, int step, Integer previous, String version) {
        String region = switch (rnd.nextInt(4)) {
            case 0 -> null;
            case 1 -> "us-east-1";
            default -> "eu-west-1";
        };
        return RolloutStep.newBuilder().setTs(Instant.ofEpochMilli(ts)).setTenant(tenant).setWave("A").setRegion(region)
                .setStepPercent(step).setPreviousPercent(previous).setVersion(version).build();
    }
}
