package io.tripwire.engine.oracle;

import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.RolloutStep;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * SPEC 3 "Canary judgement" for the oracle, from the text only: it keeps every labelled request
 * with the stage it was counted under and, when a bucket closes, recounts it by scanning them;
 * τ is the exact nearest-rank p95 of the raw baseline latencies; the hypergeometric likelihood
 * ratios come from a table of log factorials. The traffic-split check follows docs/tripwires.md.
 */
final class CanaryOracle {

    /** Emits one predicted action record. */
    interface Emit {
        void emit(long t, String tenant, String tripwire, String scope, String action, Map<String, String> params);
    }

    static final double[] WORSE = {1.25, 1.5, 2, 3, 5, 10, 20};
    static final double[] NO_WORSE = {0.5, 1};

    private record Stage(int id, long start, String version, int step, int previous, String region) {
    }

    private record Labelled(long ts, boolean canary, String service, String op, boolean bad, double ms, int stage) {
    }

    private static final class Key {
        long canary;
        long canaryBad;
        long baseline;
        long baselineBad;
        final double[] worse = new double[WORSE.length];
        final double[] noWorse = new double[NO_WORSE.length];
        boolean fired;
        boolean passed;
        final TreeSet<Long> closed = new TreeSet<>();
    }

    private final OracleConfig c;
    private final Emit out;
    private final java.util.function.Consumer<String> note;
    private final Map<String, Stage> stages = new HashMap<>();
    /** Per tenant, every labelled request by its minute. */
    private final Map<String, TreeMap<Long, List<Labelled>>> labelled = new HashMap<>();
    /** Per tenant, the minutes before this one have been closed for the current stage (a scan bound, nothing more). */
    private final Map<String, Long> closedBefore = new HashMap<>();
    private final Map<String, Key> keys = new HashMap<>(); // tripwire|tenant|scope, current stage only
    private int nextStage = 1;

    CanaryOracle(OracleConfig c, Emit out, java.util.function.Consumer<String> note) {
        this.c = c;
        this.out = out;
        this.note = note;
    }

    /** canary (true), baseline (false), or null: SPEC 3 "Cohort". */
    private static Boolean cohort(RequestLatency r, Stage stage) {
        if (r.getCohort() != null) {
            return r.getCohort().equals("canary") ? Boolean.TRUE : r.getCohort().equals("baseline") ? Boolean.FALSE : null;
        }
        if (r.getVersion() != null && stage != null && stage.version() != null) {
            return r.getVersion().equals(stage.version());
        }
        return null;
    }

    void request(String tenant, RequestLatency r, long ts, long now) {
        Stage stage = stages.get(tenant);
        Boolean canary = cohort(r, stage);
        if (canary != null) {
            if (stage == null) {
                stage = new Stage(nextStage++, ts, null, -1, -1, null);
                stages.put(tenant, stage);
                note.accept("canary stage begun by a request");
            }
            labelled.computeIfAbsent(tenant, k -> new TreeMap<>()).computeIfAbsent(Math.floorDiv(ts, 60_000L), k -> new ArrayList<>())
                    .add(new Labelled(ts, canary, r.getService(), r.getOp().name(), r.getStatus() >= 500, r.getLatencyMs(),
                            ts >= stage.start() ? stage.id() : -1));
            if (ts < stage.start()) {
                note.accept("labelled request before its stage began");
            }
        } else if (r.getCohort() != null || r.getVersion() != null) {
            note.accept("request with a label but no cohort");
        }
        if (stage != null) {
            close(tenant, stage, Math.floorDiv(now - c.graceMs(), 60_000L));
        }
    }

    /** Closes, key by key and minute by minute, every bucket of the stage that ended before minute {@code due}. */
    private void close(String tenant, Stage stage, long due) {
        TreeMap<Long, List<Labelled>> byMinute = labelled.getOrDefault(tenant, new TreeMap<>());
        long from = Math.max(Math.floorDiv(stage.start(), 60_000L), closedBefore.getOrDefault(tenant, Long.MIN_VALUE));
        if (from >= due) {
            return;
        }
        closedBefore.put(tenant, due);
        TreeMap<String, TreeSet<Long>> open = new TreeMap<>(); // kind|scope -> minutes with requests of this stage
        for (Labelled l : byMinute.subMap(from, true, due, false).values().stream().flatMap(List::stream).toList()) {
            if (l.stage() == stage.id()) {
                long m = Math.floorDiv(l.ts(), 60_000L);
                open.computeIfAbsent("canary-errors|" + l.service(), k -> new TreeSet<>()).add(m);
                open.computeIfAbsent("canary-latency|" + l.op(), k -> new TreeSet<>()).add(m);
                open.computeIfAbsent("canary-split|traffic", k -> new TreeSet<>()).add(m);
            }
        }
        for (Map.Entry<String, TreeSet<Long>> e : open.entrySet()) {
            String tw = e.getKey().substring(0, e.getKey().indexOf('|'));
            String scope = e.getKey().substring(e.getKey().indexOf('|') + 1);
            Key key = keys.computeIfAbsent(tw + "|" + tenant + "|" + scope, k -> new Key());
            for (long m : e.getValue()) {
                if (m < due && key.closed.add(m)) {
                    bucket(tenant, stage, tw, scope, m, key, byMinute);
                }
            }
        }
    }

    private void bucket(String tenant, Stage stage, String tw, String scope, long m, Key key, TreeMap<Long, List<Labelled>> byMinute) {
        Double tau = tw.equals("canary-latency") ? tau(byMinute, scope, m) : null;
        long nc = 0;
        long nb = 0;
        long kc = 0;
        long kb = 0;
        for (Labelled l : byMinute.getOrDefault(m, List.of())) {
            boolean mine = switch (tw) {
                case "canary-errors" -> l.service().equals(scope);
                case "canary-latency" -> l.op().equals(scope);
                default -> true;
            };
            if (!mine || l.stage() != stage.id() || Math.floorDiv(l.ts(), 60_000L) != m) {
                continue;
            }
            boolean bad = tw.equals("canary-errors") ? l.bad() : tau != null && l.ms() > tau;
            if (l.canary()) {
                nc++;
                kc += bad ? 1 : 0;
            } else {
                nb++;
                kb += bad ? 1 : 0;
            }
        }
        long at = (m + 1) * 60_000L;
        if (tw.equals("canary-split")) {
            split(tenant, stage, m, at, key, nc, nb);
            return;
        }
        key.canary += nc;
        key.canaryBad += kc;
        key.baseline += nb;
        key.baselineBad += kb;
        long bad = kc + kb;
        if (bad > 0 && nc > 0 && nb > 0 && key.canary >= c.canary().minEvents() && key.baseline >= c.canary().minEvents()) {
            for (int i = 0; i < WORSE.length; i++) {
                key.worse[i] += logRatio(nc, nb, bad, kc, WORSE[i], 1);
            }
            for (int i = 0; i < NO_WORSE.length; i++) {
                key.noWorse[i] += logRatio(nc, nb, bad, kc, NO_WORSE[i], c.canary().tolerance());
            }
            note.accept("canary bucket with evidence (" + tw + ")");
        } else if (bad > 0 && nc > 0 && nb > 0) {
            note.accept("canary bucket before min-events");
        }
        double level = Math.log(1 / (1 - c.canary().confidence()));
        if (!key.fired && logMean(key.worse) >= level) {
            key.fired = true;
            Map<String, String> rollback = new java.util.LinkedHashMap<>();
            rollback.put("to", stage.previous() >= 0 ? String.valueOf(stage.previous()) : "prev");
            if (stage.region() != null) {
                rollback.put("region", stage.region());
            }
            out.emit(at, tenant, tw, scope, "ROLLBACK_LAST_STEP", rollback);
            out.emit(at, tenant, tw, scope, "ALERT", Map.of("severity", "page"));
            note.accept("canary fired (" + tw + ")");
        }
        if (!key.fired && !key.passed && logMean(key.noWorse) >= level) {
            key.passed = true;
            out.emit(at, tenant, tw, scope, "CANARY_PASSED", Map.of());
            note.accept("canary passed (" + tw + ")");
        }
    }

    /** docs/tripwires.md, canary-split: the share of the settled stage's labelled requests against stepPercent. */
    private void split(String tenant, Stage stage, long m, long at, Key key, long nc, long nb) {
        if (stage.step() <= 0 || stage.step() >= 100 || m * 60_000L < stage.start() + c.canary().settleMs()) {
            return;
        }
        key.canary += nc;
        key.baseline += nb;
        long n = key.canary + key.baseline;
        double x = stage.step() / 100.0;
        if (key.fired || n < c.minEvents()) {
            return;
        }
        double share = (double) key.canary / n;
        double above = share > x ? Math.exp(MixtureEValue.logE(key.canary, n, x, c.priorStrength(), true)) : 0;
        double below = share < x ? Math.exp(MixtureEValue.logE(key.canary, n, x, c.priorStrength(), false)) : 0;
        if ((above + below) / 2 >= 1 / (1 - c.canary().confidence())) {
            key.fired = true;
            out.emit(at, tenant, "canary-split", "traffic", "ALERT", Map.of("severity", "warning"));
            note.accept("canary split alert");
        }
    }

    /** τ_m: the nearest-rank p95 of the baseline's latencies over [m − 5, m), whatever their stage; null under min-events. */
    private Double tau(TreeMap<Long, List<Labelled>> byMinute, String op, long m) {
        List<Double> v = new ArrayList<>();
        for (Labelled l : byMinute.subMap(m - 5, true, m, false).values().stream().flatMap(List::stream).toList()) {
            long lm = Math.floorDiv(l.ts(), 60_000L);
            if (!l.canary() && l.op().equals(op) && lm >= m - 5 && lm < m) {
                v.add(l.ms());
            }
        }
        if (v.size() < c.canary().minEvents() || v.isEmpty()) {
            return null;
        }
        v.sort(null);
        return v.get((95 * v.size() + 99) / 100 - 1);
    }

    void rollout(String tenant, RolloutStep s, long ts, Integer previous) {
        Stage old = stages.get(tenant);
        if (old != null) {
            List<String> ended = new ArrayList<>();
            keys.forEach((k, key) -> {
                String[] p = k.split("\\|", 3);
                if (p[1].equals(tenant) && key.fired) {
                    ended.add(k);
                }
            });
            ended.sort(null);
            for (String k : ended) {
                String[] p = k.split("\\|", 3);
                out.emit(ts, tenant, p[0], p[2], "RESOLVED", Map.of());
                note.accept("canary key resolved at a stage change");
            }
            keys.keySet().removeIf(k -> k.split("\\|", 3)[1].equals(tenant));
        }
        closedBefore.remove(tenant);
        stages.put(tenant, new Stage(nextStage++, ts, s.getVersion(), s.getStepPercent(), previous == null ? -1 : previous, s.getRegion()));
    }

    // ---------------------------------------------------------------- Fisher's noncentral hypergeometric

    private static double[] logFactorial = {0.0};

    private static synchronized double logFact(long n) {
        if (n >= logFactorial.length) {
            int old = logFactorial.length;
            logFactorial = Arrays.copyOf(logFactorial, (int) Math.max(n + 1, old * 2L));
            for (int i = old; i < logFactorial.length; i++) {
                logFactorial[i] = logFactorial[i - 1] + Math.log(i);
            }
        }
        return logFactorial[(int) n];
    }

    private static double logChoose(long n, long k) {
        return logFact(n) - logFact(k) - logFact(n - k);
    }

    /** ln S(ψ) = ln Σ_j C(nc, j) C(nb, m − j) ψ^j over the support. */
    private static double logS(long nc, long nb, long m, double psi) {
        List<Double> terms = new ArrayList<>();
        for (long j = Math.max(0, m - nb); j <= Math.min(nc, m); j++) {
            terms.add(logChoose(nc, j) + logChoose(nb, m - j) + j * Math.log(psi));
        }
        double max = terms.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return max + Math.log(terms.stream().mapToDouble(t -> Math.exp(t - max)).sum());
    }

    private static double logRatio(long nc, long nb, long m, long kc, double psi, double psi0) {
        return kc * (Math.log(psi) - Math.log(psi0)) - logS(nc, nb, m, psi) + logS(nc, nb, m, psi0);
    }

    private static double logMean(double[] logs) {
        double max = Arrays.stream(logs).max().orElseThrow();
        return max + Math.log(Arrays.stream(logs).map(l -> Math.exp(l - max)).sum() / logs.length);
    }
}
