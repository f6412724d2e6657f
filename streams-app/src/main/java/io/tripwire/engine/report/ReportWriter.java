package io.tripwire.engine.report;

import io.tripwire.engine.pilot.PilotReview;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.engine.report.Downsampler.Point;
import io.tripwire.engine.report.SvgChart.XRange;
import io.tripwire.engine.rules.Rules;
import io.tripwire.schemas.AutonomyDecision;
import io.tripwire.schemas.TripwireAction;
import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code report.html} of a replay (SPEC section 5): one self-contained page for an incident review.
 * Inline CSS and inline SVG only: no script, no font, no image, nothing fetched over the network.
 *
 * <p>The header gives the time range and the counts (events, actions by tripwire and by action,
 * dead letters by reason) and a legend. Then, per tenant in name order: a timeline chart per signal
 * and scope with its tripwires' thresholds dashed and a marker per related action (a canary key's
 * e-value on a log axis, with the tenant's canary stages: {@link CanaryCharts}), an events strip
 * for actions of tripwires with no signal (policy denies, ramp freeze, ingest errors), and the
 * tenant's actions in firing order; a tenant with autonomy decisions has the pilot's weekly review
 * first ({@link PilotSection}). Last, the dead letters. Each line is thinned to at most
 * {@value #MAX_POINTS} points, keeping each bucket's low and high, so the page stays small.
 */
public final class ReportWriter {

    /** Most points drawn per line. */
    public static final int MAX_POINTS = 1000;

    /** Chart order on the page; signals not listed come after, by name. */
    private static final List<String> SIGNAL_ORDER = List.of("latency_p95_ms", "latency_p99_ms", "error_budget_remaining",
            "burn_rate_1h", "replica_lag_seconds", "compensation_rate", "autonomy_rate", "simulation_delta");

    private record ChartKey(String signal, String scope) {
    }

    private ReportWriter() {
    }

    /** Writes the page to {@code file} (UTF-8), creating its directory. */
    public static void write(ReplayOutput out, Rules rules, Path file, String title) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Files.writeString(file, render(out, rules, title), StandardCharsets.UTF_8);
    }

    /**
     * The page as a string.
     *
     * @param out   what the replay produced
     * @param rules the rules it ran with: their thresholds are the dashed lines
     * @param title the page's heading, e.g. the incident and input file
     */
    public static String render(ReplayOutput out, Rules rules, String title) {
        Objects.requireNonNull(rules, "rules");
        List<SignalPoint> points = new ArrayList<>(out.signals().size());
        int unreadable = 0;
        for (String line : out.signals()) {
            Optional<SignalPoint> p = SignalPoint.parse(line);
            if (p.isPresent()) {
                points.add(p.get());
            } else {
                unreadable++;
            }
        }
        Map<String, List<SignalPoint>> pointsByTenant = new TreeMap<>();
        Map<String, List<TripwireAction>> actionsByTenant = new TreeMap<>();
        points.forEach(p -> pointsByTenant.computeIfAbsent(p.tenant(), t -> new ArrayList<>()).add(p));
        out.actions().forEach(a -> actionsByTenant.computeIfAbsent(a.getTenant(), t -> new ArrayList<>()).add(a));
        Set<String> tenants = new TreeSet<>(pointsByTenant.keySet());
        tenants.addAll(actionsByTenant.keySet());
        // the canary charts' styles and legend only where there are some: other pages stay as they were
        boolean canary = points.stream().anyMatch(p -> p.signal().equals(SignalNames.CANARY_E_WORSE));
        // likewise the pilot reviews' styles, for tenants with autonomy decisions
        Map<String, PilotReview> pilots = new TreeMap<>();
        pilotReviews(out, rules, points).forEach(r -> pilots.put(r.tenant(), r));
        tenants.addAll(pilots.keySet());

        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(Html.esc(title)).append("</title><style>\n").append(ReportStyle.css(canary, !pilots.isEmpty()))
                .append("</style></head><body>\n");
        header(b, out, title, points, unreadable, tenants, actionsByTenant, canary, pilots.keySet());
        kpisAndTimeline(b, out, rules, points);
        ThresholdLines thresholds = new ThresholdLines(rules);
        int index = 0;
        for (String tenant : tenants) {
            index++;
            tenant(b, index, tenant, pointsByTenant.getOrDefault(tenant, List.of()),
                    actionsByTenant.getOrDefault(tenant, List.of()), thresholds, pilots.get(tenant));
        }
        b.append("<h2 id=\"dead-letters\">Dead letters (").append(out.deadLetters().size()).append(")</h2>\n");
        b.append(ReportTables.deadLetters(out.deadLetters()));
        return b.append("\n</body></html>\n").toString();
    }

    private static void header(StringBuilder b, ReplayOutput out, String title, List<SignalPoint> points, int unreadable,
                               Set<String> tenants, Map<String, List<TripwireAction>> actionsByTenant, boolean canary,
                               Set<String> pilots) {
        long[] span = span(points, out.actions());
        b.append("<header><h1>").append(Html.esc(title)).append("</h1><p class=\"meta\">");
        if (span[0] <= span[1]) {
            b.append("Covers ").append(Ticks.full(span[0])).append(" to ").append(Ticks.full(span[1]))
                    .append(" (event time of signals and actions).");
        } else {
            b.append("No signals and no actions: nothing to chart.");
        }
        if (unreadable > 0) {
            b.append(" ").append(unreadable).append(" signal lines could not be read and are not drawn.");
        }
        b.append("</p><div class=\"numbers\">")
                .append("<div>events read<b>").append(out.eventsRead()).append("</b></div>")
                .append("<div>tenants<b>").append(tenants.size()).append("</b></div>")
                .append("<div>signal points<b>").append(points.size()).append("</b></div>")
                .append("<div>actions<b>").append(out.actions().size()).append("</b></div>")
                .append("<div>dead letters<b>").append(out.deadLetters().size()).append("</b></div></div>");
        b.append(ReportTables.counts(out)).append(ReportTables.legend(canary));
        b.append("<nav><b>Tenants</b><ul>");
        int index = 0;
        for (String tenant : tenants) {
            index++;
            int n = actionsByTenant.getOrDefault(tenant, List.of()).size();
            b.append("<li><a href=\"#tenant-").append(index).append("\">").append(Html.esc(tenant)).append("</a> (")
                    .append(n).append(n == 1 ? " action" : " actions")
                    .append(pilots.contains(tenant) ? ", <a href=\"#pilot-" + index + "\">pilot review</a>" : "").append(")</li>");
        }
        b.append("<li><a href=\"#dead-letters\">Dead letters</a></li></ul></nav></header>\n");
    }

    /**
     * The decision memo's KPI table, then one timeline of every action across tenants (a lane per
     * tenant, in firing order): the first thing an incident reviewer looks for.
     */
    private static void kpisAndTimeline(StringBuilder b, ReplayOutput out, Rules rules, List<SignalPoint> points) {
        List<Kpis.Row> rows = out.kpis().rows(rules, out.actions(), out.signals());
        b.append("<section class=\"overview\"><h2 id=\"kpis\">KPIs by tenant</h2>\n").append(ReportTables.kpis(rows));
        if (!out.actions().isEmpty()) {
            long[] span = span(points, out.actions());
            Set<String> lanes = new TreeSet<>();
            out.actions().forEach(a -> lanes.add(a.getTenant()));
            b.append("<h2 id=\"timeline\">All actions, every tenant</h2>\n<figure class=\"events\"><figcaption>")
                    .append(out.actions().size()).append(" action records in firing order, a lane per tenant (hover a marker for its reason)")
                    .append("</figcaption>").append(SvgChart.events("all actions", XRange.around(span[0], span[1]), new ArrayList<>(lanes),
                            out.actions(), TripwireAction::getTenant)).append("</figure>\n");
        }
        b.append("</section>\n");
    }

    private static void tenant(StringBuilder b, int index, String tenant, List<SignalPoint> points,
                               List<TripwireAction> actions, ThresholdLines thresholds, PilotReview pilot) {
        b.append("<section class=\"tenant\" id=\"tenant-").append(index).append("\"><h2>").append(Html.esc(tenant)).append("</h2>\n");
        if (pilot != null) {
            b.append(PilotSection.html(pilot, index, actions)); // the week's verdict before the charts behind it
        }
        Map<ChartKey, List<Point>> series = new TreeMap<>(Comparator.comparingInt((ChartKey k) -> order(k.signal))
                .thenComparing(ChartKey::signal).thenComparing(ChartKey::scope));
        for (SignalPoint p : points) {
            series.computeIfAbsent(new ChartKey(p.signal(), p.scope()), k -> new ArrayList<>()).add(new Point(p.at(), p.value()));
        }
        series.values().forEach(line -> line.sort(Comparator.comparingLong(Point::at)));
        List<List<Point>> canaries = new ArrayList<>();
        series.forEach((key, line) -> {
            if (key.signal.equals(SignalNames.CANARY_E_WORSE)) {
                canaries.add(line);
            }
        });
        List<CanaryStages.Boundary> stages = canaries.isEmpty() ? List.of() : CanaryStages.of(actions, canaries);
        long[] span = span(points, actions); // the tenant's own range: all its charts line up
        // a stage begins before its first bucket closes, maybe long before: its line stays on the charts
        for (CanaryStages.Boundary s : stages) {
            span[0] = Math.min(span[0], s.at());
            span[1] = Math.max(span[1], s.at());
        }
        XRange x = XRange.around(span[0], span[1]);
        // identity: two equal records are still two actions, each with its marker
        Set<TripwireAction> charted = Collections.newSetFromMap(new IdentityHashMap<>());
        series.forEach((key, line) -> {
            List<TripwireAction> related = actions.stream()
                    .filter(a -> key.scope.equals(a.getScope()) && thresholds.relates(a.getTripwire(), key.signal, key.scope))
                    .toList();
            charted.addAll(related);
            if (key.signal.equals(SignalNames.CANARY_E_WORSE)) {
                b.append(CanaryCharts.figure(tenant, key.scope, x, line, thresholds.of(key.signal, key.scope), related, stages,
                        MAX_POINTS));
                return;
            }
            SignalNames.Described d = SignalNames.describe(key.signal, key.scope);
            String caption = d.title() + " · " + key.scope;
            b.append("<figure class=\"signal\"><figcaption>").append(Html.esc(caption)).append(" <code>")
                    .append(Html.esc(key.signal)).append("</code></figcaption>")
                    .append(SvgChart.signal(tenant + " " + caption, d.unit(), x, Downsampler.minMax(line, MAX_POINTS),
                            thresholds.of(key.signal, key.scope), related))
                    .append("</figure>\n");
        });
        List<TripwireAction> others = actions.stream().filter(a -> !charted.contains(a)).toList();
        if (!others.isEmpty()) {
            Set<String> lanes = new LinkedHashSet<>();
            others.forEach(a -> lanes.add(a.getTripwire()));
            b.append("<figure class=\"events\"><figcaption>Events: tripwires with no signal chart</figcaption>")
                    .append(SvgChart.events(tenant + " events", x, new ArrayList<>(lanes), others)).append("</figure>\n");
        }
        if (series.isEmpty() && others.isEmpty()) {
            b.append("<p class=\"note\">No signals and no actions.</p>");
        }
        b.append("<h3>Actions (").append(actions.size()).append(")</h3>");
        b.append(actions.isEmpty() ? "<p class=\"note\">No tripwire fired for this tenant.</p>" : ReportTables.actions(actions));
        b.append("</section>\n");
    }

    /**
     * The autonomy pilot's review of each tenant with autonomy decisions ({@link PilotReview}), over the whole
     * replay: from its first signal, action or pilot event to its last.
     */
    private static List<PilotReview> pilotReviews(ReplayOutput out, Rules rules, List<SignalPoint> points) {
        if (out.pilotEvents().stream().noneMatch(e -> e instanceof AutonomyDecision)) {
            return List.of();
        }
        long[] span = span(points, out.actions());
        for (SpecificRecord e : out.pilotEvents()) {
            long ts = ((Instant) e.get(e.getSchema().getField("ts").pos())).toEpochMilli();
            span[0] = Math.min(span[0], ts);
            span[1] = Math.max(span[1], ts);
        }
        return PilotReview.ofTenants(Instant.ofEpochMilli(span[0]), Instant.ofEpochMilli(span[1] + 1), out.pilotEvents(), out.actions(),
                rules);
    }

    /** First and last event time of the points and actions; {MAX, MIN} when there are none. */
    private static long[] span(List<SignalPoint> points, List<TripwireAction> actions) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (SignalPoint p : points) {
            min = Math.min(min, p.at());
            max = Math.max(max, p.at());
        }
        for (TripwireAction a : actions) {
            min = Math.min(min, a.getFiredAt().toEpochMilli());
            max = Math.max(max, a.getFiredAt().toEpochMilli());
        }
        return new long[]{min, max};
    }

    private static int order(String signal) {
        int i = SIGNAL_ORDER.indexOf(signal);
        return i < 0 ? SIGNAL_ORDER.size() : i;
    }
}
