package io.tripwire.engine.report;

import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.signals.HistogramSerde;
import io.tripwire.engine.signals.Percentiles;
import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.AutonomyDecision;
import io.tripwire.schemas.AutonomyMode;
import io.tripwire.schemas.AutonomyOutcome;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.Op;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.PolicyVerdict;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.TripwireAction;
import org.HdrHistogram.Histogram;
import org.apache.avro.specific.SpecificRecord;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The decision memo's KPI table (the rollout packet's Week 5: autonomy %, compensation %, error
 * budget burn, residency incidents, ...), per tenant, over the events a replay counted: what the
 * report, the evidence bundle and the gate show. Fed one counted event at a time; the actions and
 * signals of the replay complete it.
 */
public final class Kpis {

    /**
     * One tenant's row. Ratios are null where there is nothing to divide (no requests, no ENACT ops).
     *
     * @param requests          request events
     * @param availability      1 − bad/requests (bad: status ≥ 500)
     * @param budgetRemaining   per service: 1 − (bad/total)/(1 − SLO) over the whole window
     * @param maxBurnRate1h     the highest 1h burn rate of any service at a minute's end
     * @param autonomyRate      AUTONOMOUS / decided ENACT ops
     * @param compensationRate  COMPENSATED / decided ENACT ops
     * @param hitlOverrides     ENACT ops a human stepped into (HITL_OVERRIDE)
     * @param holdOverrides     human overrides of tripwire holds (hitl-overrides)
     * @param residencyIncidents residency DENYs
     * @param tripwiresFired    firings (decisions, not action records; RESOLVED not counted), by tripwire
     */
    public record Row(String tenant, long requests, Double availability, Map<String, Double> budgetRemaining,
                      Double readP95Ms, Double readP99Ms, Double writeP95Ms, Double writeP99Ms, Double maxBurnRate1h,
                      long decided, Double autonomyRate, Double compensationRate, long hitlOverrides, long holdOverrides,
                      long residencyIncidents, Map<String, Integer> tripwiresFired) {
    }

    private static final class Tenant {
        final Map<String, long[]> services = new HashMap<>(); // service -> [total, bad]
        final Map<Op, Histogram> latency = new EnumMap<>(Op.class);
        long decided;
        long autonomous;
        long compensated;
        long hitl;
        long overrides;
        long residencyDenies;
    }

    private final Map<String, Tenant> tenants = new HashMap<>(); // sorted when the rows are made
    private String lastId; // consecutive events are mostly one tenant's: skip the lookup
    private Tenant last;

    /** Counts one event the engine counted (not one it refused). */
    public void add(SpecificRecord event) {
        if (event instanceof RequestLatency r) {
            Tenant t = tenant(r.getTenant());
            long[] c = t.services.computeIfAbsent(r.getService(), s -> new long[2]);
            c[0]++;
            if (r.getStatus() >= 500) {
                c[1]++;
            }
            t.latency.computeIfAbsent(r.getOp(), o -> HistogramSerde.newHistogram()).recordValue(Math.round(r.getLatencyMs() * 1000.0));
        } else if (event instanceof AutonomyDecision a && a.getMode() == AutonomyMode.ENACT) {
            Tenant t = tenant(a.getTenant());
            if (a.getOutcome() == AutonomyOutcome.COMPENSATED) {
                t.compensated++;
            } else {
                t.decided++;
                if (a.getOutcome() == AutonomyOutcome.AUTONOMOUS) {
                    t.autonomous++;
                } else {
                    t.hitl++;
                }
            }
        } else if (event instanceof PolicyDecision p && p.getDecision() == PolicyVerdict.DENY && p.getPolicy().equals("residency")) {
            tenant(p.getTenant()).residencyDenies++;
        } else if (event instanceof HumanOverride o) {
            tenant(o.getTenant()).overrides++;
        }
    }

    private Tenant tenant(String id) {
        if (!id.equals(lastId)) {
            last = tenants.computeIfAbsent(id, k -> new Tenant());
            lastId = id;
        }
        return last;
    }

    /** The rows, by tenant, with the firings of {@code actions} and the burn rates of {@code signals} (SPEC 5 lines). */
    public List<Row> rows(Rules rules, List<TripwireAction> actions, List<String> signals) {
        Map<String, Map<String, Set<String>>> fired = new TreeMap<>(); // tenant -> tripwire -> decision ids
        for (TripwireAction a : actions) {
            if (a.getAction() != ActionType.RESOLVED) {
                fired.computeIfAbsent(a.getTenant(), k -> new TreeMap<>()).computeIfAbsent(a.getTripwire(), k -> new HashSet<>())
                        .add(a.getDecisionId());
            }
        }
        Map<String, Double> burn = new TreeMap<>();
        for (String line : signals) {
            if (!line.contains("\"burn_rate_1h\"")) {
                continue; // a cheap filter before the parse: a day's replay has hundreds of thousands of lines
            }
            SignalPoint.parse(line).filter(p -> p.signal().equals("burn_rate_1h"))
                    .ifPresent(p -> burn.merge(p.tenant(), p.value(), Math::max));
        }
        Set<String> ids = new java.util.TreeSet<>(tenants.keySet());
        ids.addAll(fired.keySet());
        List<Row> out = new ArrayList<>();
        for (String id : ids) {
            Tenant t = tenants.getOrDefault(id, new Tenant());
            long total = t.services.values().stream().mapToLong(c -> c[0]).sum();
            long bad = t.services.values().stream().mapToLong(c -> c[1]).sum();
            Map<String, Double> remaining = new TreeMap<>();
            t.services.forEach((s, c) -> remaining.put(s, 1.0 - ((double) c[1] / c[0]) / (1.0 - rules.sloOf(s))));
            Map<String, Integer> byTripwire = new TreeMap<>();
            fired.getOrDefault(id, Map.of()).forEach((tw, d) -> byTripwire.put(tw, d.size()));
            out.add(new Row(id, total, total == 0 ? null : 1.0 - (double) bad / total, remaining,
                    percentile(t, Op.READ, 95), percentile(t, Op.READ, 99), percentile(t, Op.WRITE, 95), percentile(t, Op.WRITE, 99),
                    burn.get(id), t.decided, t.decided == 0 ? null : (double) t.autonomous / t.decided,
                    t.decided == 0 ? null : (double) t.compensated / t.decided, t.hitl, t.overrides, t.residencyDenies, byTripwire));
        }
        return out;
    }

    private static Double percentile(Tenant t, Op op, int p) {
        Histogram h = t.latency.get(op);
        return h == null || h.getTotalCount() == 0 ? null : Percentiles.nearestRank(h, p);
    }

    /** The table as Markdown, one row per tenant (the decision memo's KPI table). */
    public static String markdown(List<Row> rows) {
        StringBuilder b = new StringBuilder("| tenant | requests | availability | error budget remaining | read p95 / p99 ms | write p95 / p99 ms "
                + "| max 1h burn | autonomy % | compensation % | HITL overrides | hold overrides | residency incidents | tripwires fired |\n"
                + "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row r : rows) {
            b.append("| ").append(r.tenant()).append(" | ").append(r.requests()).append(" | ").append(pct(r.availability(), 3))
                    .append(" | ").append(budgets(r.budgetRemaining())).append(" | ").append(num(r.readP95Ms())).append(" / ")
                    .append(num(r.readP99Ms())).append(" | ").append(num(r.writeP95Ms())).append(" / ").append(num(r.writeP99Ms()))
                    .append(" | ").append(num(r.maxBurnRate1h())).append(" | ").append(pct(r.autonomyRate(), 2)).append(" | ")
                    .append(pct(r.compensationRate(), 2)).append(" | ").append(r.hitlOverrides()).append(" | ").append(r.holdOverrides())
                    .append(" | ").append(r.residencyIncidents()).append(" | ").append(fired(r.tripwiresFired())).append(" |\n");
        }
        return b.toString();
    }

    static String budgets(Map<String, Double> m) {
        if (m.isEmpty()) {
            return "-";
        }
        List<String> parts = new ArrayList<>();
        m.forEach((s, v) -> parts.add(s + " " + String.format(java.util.Locale.ROOT, "%.2f", v)));
        return String.join(", ", parts);
    }

    static String fired(Map<String, Integer> m) {
        if (m.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        m.forEach((tw, n) -> parts.add(n == 1 ? tw : tw + " ×" + n));
        return String.join(", ", parts);
    }

    static String pct(Double v, int decimals) {
        return v == null ? "-" : String.format(java.util.Locale.ROOT, "%." + decimals + "f%%", v * 100);
    }

    static String num(Double v) {
        return v == null ? "-" : String.format(java.util.Locale.ROOT, "%.1f", v);
    }
}
