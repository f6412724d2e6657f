package io.tripwire.cli.gate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tripwire.cli.DurationConverter;
import io.tripwire.cli.InstantConverter;
import io.tripwire.cli.ProgressBar;
import io.tripwire.cli.RulesOptions;
import io.tripwire.cli.TopicOptions;
import io.tripwire.cli.history.CarryIn;
import io.tripwire.cli.history.TopicHistory;
import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.replay.ReplayInput;
import io.tripwire.engine.replay.TopicReplay;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.tripwires.LatencyTripwire;
import io.tripwire.engine.tripwires.MetricThresholdTripwire;
import io.tripwire.schemas.Op;
import io.tripwire.signing.ActionSigner;
import io.tripwire.signing.Ed25519Keys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code tripwire gate}: the readiness check of a wave, as a command a rollout script can call. */
@Command(name = "gate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Readiness check of one tenant before a wave: PASS, FAIL or INCONCLUSIVE, with the figure and rule of each check.",
            "",
            "Over the tenant's events in [at - window, at): availability against --slo with the e-value guard of SPEC 3 "
                + "(PASS only when the data show the SLO is met, FAIL when they show it is missed, INCONCLUSIVE when a handful of "
                + "requests shows neither); READ/WRITE p95 (and p99 when given) overall and on every UTC day; tripwires fired "
                + "in the window (a replay, what came before it carried in); holds still open at its end (a residency hold without an override, a "
                + "ramp freeze in force); with --cache-hit, the cache warm-up (each hit ratio series' minimum). Same events in, same verdict out: give --at to pin the window.",
            "",
            "What came before the window is carried in: the replay begins the rules' longest reach earlier (48h with the shipped "
                + "rules: the error budget's 24h and the 24h freeze it sets), and earlier still for a hold open then (a residency "
                + "hold, a key still firing, an approval to enact in force), found in tripwire-actions and hitl-overrides (topics) "
                + "or the file's earlier events. Those events build state; only the window's own are counted. Where retention "
                + "has taken that history, the output says so and a PASS of the holds becomes INCONCLUSIVE (docs/evidence.md).",
            "",
            "--canary answers the soak question of a canary step instead; --autonomy the autonomy pilot's (has its simulation "
                + "passed, may it enact, is it within 99.9%% autonomy and 0.5%% compensation?).",
            "",
            "Events come from JSON-lines files (--input, repeatable; the window ends by default at the last event) or from the "
                + "topics the engine reads (--bootstrap-server: the input topics, and the OTLP and OPA topics of --engine-config or "
                + "--otlp-spans-topic, --otlp-metrics-topic, --opa-topic, as 'replay' reads them; the window ends by default now)."},
        footer = {"", "Examples:",
            "  ./tripwire gate --tenant TENANT_004 --window 14d --slo 0.994 --input recorded.jsonl",
            "  ./tripwire gate --tenant TENANT_004 --window 14d --slo 0.994 --cache-hit 0.92 --bootstrap-server broker:9092   # warm?",
            "  ./tripwire gate --tenant TENANT_005 --window 14d --slo 0.994 --bootstrap-server broker:9092 \\",
            "      --schema-registry-url http://registry:8081 --json",
            "  ./tripwire gate --tenant TENANT_004 --bootstrap-server broker:9092 \\",
            "      --engine-config config/engine.yaml   # with its OTLP and OPA topics",
            "  ./tripwire gate --canary --tenant TENANT_004 --window 1d --bootstrap-server broker:9092   # between ramp steps",
            "  ./tripwire gate --autonomy --tenant TENANT_001 --check simulation --bootstrap-server broker:9092   # may it enact?",
            "  ./tripwire gate --autonomy --tenant TENANT_001 --window 7d --bootstrap-server broker:9092          # weekly pilot review",
            "",
            "Exit codes: 0 PASS; 1 FAIL; 3 INCONCLUSIVE; 2 error (bad command line, unreadable input, no cluster)."})
public final class GateCommand implements Callable<Integer> {

    @Option(names = "--tenant", required = true, paramLabel = "T", description = "The tenant to check.")
    String tenant;

    @Option(names = "--window", paramLabel = "D", converter = DurationConverter.class,
            description = "How far back from --at the check looks, e.g. 14d, 24h. Default: 14d; with --autonomy the window of the "
                    + "rules' autonomy tripwires (24h), the window the engine judges an approval to enact on.")
    Duration window;

    @Option(names = "--slo", paramLabel = "S", description = "Availability objective, e.g. 0.994. Default: the SLO of the rules' default service.")
    Double slo;

    @Option(names = "--confidence", paramLabel = "C", description = "Confidence of the availability test. Default: the rules' confidence, else 0.95.")
    Double confidence;

    @Option(names = "--prior-strength", paramLabel = "N", description = "Prior strength of the availability test's e-value "
            + "(SPEC 3 \"Significance\"). Default: the rules' prior-strength (1000).")
    Double priorStrength;

    @Option(names = "--read-p95", paramLabel = "MS", converter = MillisConverter.class,
            description = "READ p95 limit, e.g. 350ms. Default: the read-latency tripwire's threshold.")
    Double readP95;

    @Option(names = "--write-p95", paramLabel = "MS", converter = MillisConverter.class,
            description = "WRITE p95 limit, e.g. 700ms. Default: the write-latency tripwire's threshold.")
    Double writeP95;

    @Option(names = "--read-p99", paramLabel = "MS", converter = MillisConverter.class, description = "READ p99 limit; not checked unless given.")
    Double readP99;

    @Option(names = "--write-p99", paramLabel = "MS", converter = MillisConverter.class, description = "WRITE p99 limit; not checked unless given.")
    Double writeP99;

    @Option(names = "--cache-hit", paramLabel = "RATIO", description = {"The packet's warm-up check before a wave, e.g. 0.92: "
            + "the minimum of each cache hit ratio series (the cache-hit rule's metric, cache_hit_ratio) over the window and on "
            + "every UTC day must be at least RATIO. FAIL names the worst series, its minimum and when; INCONCLUSIVE when the "
            + "window holds no sample. Not checked unless given."})
    Double cacheHit;

    @Option(names = "--input", paramLabel = "FILE.jsonl", description = "File mode: events in the JSON-lines form (repeatable).")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--at", paramLabel = "TS", converter = InstantConverter.class,
            description = "End of the window (exclusive). Default: the last event's time + 1 ms (files), now (topics).")
    Instant at;

    @Option(names = "--json", description = "Print the result as JSON (for pipelines) instead of a table.")
    boolean json;

    @Option(names = "--canary", description = {"The soak question of a canary step instead of the readiness checks: the verdict of the "
            + "tenant's current canary stage at --at (SPEC 3 \"Canary judgement\"): FAIL if a canary key fired, PASS when every "
            + "canary key with traffic has passed, INCONCLUSIVE otherwise; with each key's e-values, counts, rate ratio and tau. "
            + "The stage must have begun within --window or the carry-in before it."})
    boolean canary;

    @Option(names = "--autonomy", description = {"The autonomy pilot's loop instead of the readiness checks: over the tenant's "
            + "autonomy decisions in the window, replayed through the engine from one autonomy window (24h) earlier so that its "
            + "approvals and firings are the live engine's: the simulation delta (COMPENSATED / decided SIMULATE ops) against 0.5%%, "
            + "the autonomy rate (AUTONOMOUS / decided ENACT ops) against 99.9%% and the compensation rate against 0.5%%, each PASS "
            + "when significantly on the good side (the e-value guard of SPEC 3, thresholds, confidence, prior strength and "
            + "min-events from the rules), FAIL when significantly on the bad side, INCONCLUSIVE otherwise, n/a without ops of its "
            + "mode; then HITL overrides, approvals to enact (who, key id, when, what ended them), refusals and the loop's "
            + "tripwires that fired. FAIL if a check FAILs, PASS if every check with ops PASSes, INCONCLUSIVE otherwise."})
    boolean autonomy;

    @Option(names = "--check", paramLabel = "CHECKS", split = ",", defaultValue = "all",
            description = {"With --autonomy: which checks decide, comma-separated: simulation, autonomy, compensation, enact "
                    + "(autonomy and compensation), all. Default: ${DEFAULT-VALUE}.",
                "'--check simulation' asks what an approval to enact needs: has the simulation passed?"})
    List<String> check;

    @Mixin
    TopicOptions topics;

    @Mixin
    RulesOptions rules;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Milliseconds from "350ms", "0.35s" or "350". */
    public static final class MillisConverter implements CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String v) {
            String t = v.trim();
            try {
                if (t.endsWith("ms")) {
                    return Double.parseDouble(t.substring(0, t.length() - 2));
                }
                if (t.endsWith("s")) {
                    return Double.parseDouble(t.substring(0, t.length() - 1)) * 1000;
                }
                return Double.parseDouble(t);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + v + "' is not a duration in ms, e.g. 350ms or 0.35s");
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean topicMode = topics.bootstrapServer != null;
        if (topicMode == !inputs.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give either --input FILE (repeatable) or --bootstrap-server");
        }
        if (slo != null && !(slo > 0 && slo < 1) || confidence != null && !(confidence > 0 && confidence < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--slo and --confidence must be between 0 and 1 (exclusive)");
        }
        if (cacheHit != null && !(cacheHit > 0 && cacheHit <= 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--cache-hit must be a ratio in (0, 1], e.g. 0.92, got " + cacheHit);
        }
        if (priorStrength != null && !(priorStrength > 0 && Double.isFinite(priorStrength))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--prior-strength must be a number > 0, got " + priorStrength);
        }
        java.util.Set<AutonomyGate.Check> checks = null;
        if (autonomy) {
            if (canary) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give --canary or --autonomy, not both");
            }
            if (slo != null || confidence != null || priorStrength != null || readP95 != null || writeP95 != null || readP99 != null
                    || writeP99 != null || cacheHit != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--slo, --confidence, --prior-strength and the latency limits "
                        + "and --cache-hit are the readiness checks'; --autonomy takes its thresholds and guard from the rules "
                        + "(e.g. --set tripwires.simulation-delta.prior-strength=200)");
            }
            try {
                checks = AutonomyGate.Check.parse(check);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        } else if (canary && cacheHit != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--cache-hit is a readiness check; --canary answers the soak question");
        } else if (spec.commandLine().getParseResult().hasMatchedOption("--check")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--check goes with --autonomy");
        }
        Rules r = rules.load();
        if (window == null) {
            window = autonomy ? AutonomyGate.autonomyWindow(r) : Duration.ofDays(14);
        }
        Gate.Settings settings = new Gate.Settings(tenant, window, slo != null ? slo : r.sloOf(r.defaultService()),
                confidence != null ? confidence : Double.isNaN(r.confidence()) ? 0.95 : r.confidence(),
                priorStrength != null ? priorStrength : r.priorStrength(), limits(r), cacheHit, cacheMetric(r));
        ReplayInput input;
        CarryIn carry;
        try {
            if (topicMode) {
                Instant to = at != null ? at : Instant.now();
                // what the engine still held open before the window: from its action records and the overrides
                TopicHistory.Read history = TopicHistory.read(topics, tenant);
                carry = TopicHistory.carryIn(topics, tenant, to.minus(window), to, r, history, progress());
                input = topics.read(new TopicReplay.Window(carry.replayFrom(), to, tenant), progress()).input();
                carry = carry.withGaps(TopicHistory.inputsFrom(topics, topics.topics().topics(), carry.replayFrom()));
            } else {
                List<ReplayInput.Event> events = new ArrayList<>();
                for (Path p : inputs) {
                    events.addAll(FileReplay.read(p, topics.mapping(), progress()).events());
                }
                input = new ReplayInput(events, List.of());
                Instant to = at != null ? at
                        : events.stream().map(ReplayInput.Event::ts).max(Instant::compareTo).orElse(Instant.EPOCH).plusMillis(1);
                // the file's earlier events are the history: what they left open is read back
                carry = CarryIn.ofEvents(events.stream().filter(e -> Gate.tenantOf(e.event()).equals(tenant)).toList(), to.minus(window), to, r);
            }
        } catch (TopicReplay.ReadException | java.io.IOException | org.apache.kafka.common.KafkaException | IllegalStateException e) {
            err.println("tripwire gate: " + e.getMessage());
            return 2;
        }
        // the replay's actions are compared by tripwire and time only: an ephemeral key signs them
        if (autonomy) {
            AutonomyGate.Result a = AutonomyGate.run(tenant, carry, checks, input, r, new ActionSigner(Ed25519Keys.generate().getPrivate()));
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(AutonomyGate.toMap(a)));
            } else {
                AutonomyGate.print(out, a);
            }
            out.flush();
            return a.exitCode();
        }
        if (canary) {
            CanaryGate.Result c = CanaryGate.run(tenant, carry, input, r, new ActionSigner(Ed25519Keys.generate().getPrivate()));
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(CanaryGate.toMap(c)));
            } else {
                CanaryGate.print(out, c);
            }
            out.flush();
            return c.exitCode();
        }
        Gate.Result result = Gate.run(settings, carry, input, r, new ActionSigner(Ed25519Keys.generate().getPrivate()));
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toMap(result, carry)));
        } else {
            print(out, result, carry);
        }
        out.flush();
        return result.exitCode();
    }

    /** The metric of the cache-hit rule (a metric-threshold row watching a hit ratio from below), else cache_hit_ratio. */
    private static String cacheMetric(Rules r) {
        return r.tripwires().stream().filter(t -> t instanceof MetricThresholdTripwire.Rule m && m.id().equals("cache-hit"))
                .map(t -> ((MetricThresholdTripwire.Rule) t).metric()).findFirst().orElse("cache_hit_ratio");
    }

    private Map<Op, Map<Integer, Double>> limits(Rules r) {
        Map<Op, Map<Integer, Double>> m = new EnumMap<>(Op.class);
        for (Op op : Op.values()) {
            Map<Integer, Double> byP = new TreeMap<>();
            Double p95 = op == Op.READ ? readP95 : writeP95;
            Double p99 = op == Op.READ ? readP99 : writeP99;
            if (p95 == null) {
                p95 = r.tripwires().stream().filter(t -> t instanceof LatencyTripwire.Rule l && l.op().equals(op.name()) && l.percentile() == 95)
                        .map(t -> ((LatencyTripwire.Rule) t).thresholdMs()).findFirst().orElse(null);
            }
            if (p95 != null) {
                byP.put(95, p95);
            }
            if (p99 != null) {
                byP.put(99, p99);
            }
            m.put(op, byP);
        }
        return m;
    }

    static Map<String, Object> toMap(Gate.Result r, CarryIn carry) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tenant", r.tenant());
        m.put("from", r.from().toString());
        m.put("to", r.to().toString());
        m.put("verdict", r.verdict().name());
        m.put("exitCode", r.exitCode());
        List<Map<String, Object>> checks = new ArrayList<>();
        for (Gate.Check c : r.checks()) {
            Map<String, Object> check = new LinkedHashMap<>(); // in this order for every run (Map.of's order changes from run to run)
            check.put("check", c.name());
            check.put("verdict", c.verdict().name());
            check.put("figure", c.figure());
            check.put("rule", c.rule());
            if (!c.figures().isEmpty()) {
                check.put("figures", c.figures());
            }
            checks.add(check);
        }
        m.put("checks", checks);
        m.put("carriedIn", carry.toMap());
        return m;
    }

    private static void print(PrintWriter out, Gate.Result r, CarryIn carry) {
        out.printf("gate %s over %s .. %s: %s%n", r.tenant(), r.from(), r.to(), r.verdict());
        for (Gate.Check c : r.checks()) {
            out.printf("  %-13s %-24s %s%n", c.verdict(), c.name(), c.figure());
            out.printf("  %-13s %-24s rule: %s%n", "", "", c.rule());
        }
        carry.lines().forEach(l -> out.println("  " + l));
    }

    private static ProgressBar progress() {
        return new ProgressBar(System.err);
    }
}
