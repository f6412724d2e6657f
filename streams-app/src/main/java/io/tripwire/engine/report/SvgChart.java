package io.tripwire.engine.report;

import io.tripwire.engine.report.Downsampler.Point;
import io.tripwire.engine.report.ThresholdLines.Threshold;
import io.tripwire.schemas.TripwireAction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Draws one timeline as inline SVG: a signal's values over event time with its threshold lines
 * dashed and labelled, and a vertical marker per action (on a canary chart, a line per stage
 * boundary too). Every chart of a tenant gets the same
 * {@link XRange} and the same left and right margins, so their time axes line up on the page.
 */
final class SvgChart {

    /** The event-time range shared by a tenant's charts, in epoch milliseconds. */
    record XRange(long from, long to) {
        static XRange around(long min, long max) {
            long pad = Math.max(60_000, (max - min) / 50); // a marker at an end stays visible
            return new XRange(min - pad, max + pad);
        }
    }

    static final int WIDTH = 1200;
    static final int LEFT = 72;
    static final int RIGHT = 24;
    static final int PLOT_HEIGHT = 170;
    static final int AXIS_HEIGHT = 34;
    static final int LABEL_ROW = 14;
    static final int MAX_LABEL_ROWS = 4;

    private final XRange x;
    private final StringBuilder svg = new StringBuilder(8192);

    private SvgChart(XRange x) {
        this.x = x;
    }

    /** A signal chart: the line, its thresholds and the markers of the actions related to it. */
    static String signal(String label, String unit, XRange x, List<Point> points, List<Threshold> thresholds,
                         List<TripwireAction> actions) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Point p : points) {
            if (!p.gap()) {
                lo = Math.min(lo, p.value());
                hi = Math.max(hi, p.value());
            }
        }
        for (Threshold t : thresholds) {
            lo = Math.min(lo, t.value());
            hi = Math.max(hi, t.value());
        }
        if (lo == Double.POSITIVE_INFINITY) {
            lo = 0;
            hi = 1;
        }
        double pad = (hi - lo) * 0.05; // so a flat line or a threshold does not sit on the frame
        if (lo >= 0 && lo <= hi * 0.25) {
            lo = 0; // a floor at zero reads better unless the values sit in a narrow high band (e.g. 0.99..1)
        } else {
            lo = lo >= 0 ? Math.max(0, lo - pad) : lo - pad;
        }
        hi += pad;
        return plot(label, unit, x, Ticks.values(lo, hi, 5), points, thresholds, actions, List.of());
    }

    /**
     * A chart on a given value axis (a log one for the canary judgement's e-values): the line, its
     * thresholds, a vertical line per stage boundary and the markers of the actions related to it.
     */
    static String plot(String label, String unit, XRange x, Ticks.Axis y, List<Point> points, List<Threshold> thresholds,
                       List<TripwireAction> actions, List<CanaryStages.Boundary> stages) {
        SvgChart c = new SvgChart(x);
        List<Label> labels = labels(x, actions, true);
        int top = 8 + rows(labels) * LABEL_ROW;
        int height = top + PLOT_HEIGHT + AXIS_HEIGHT;
        c.open(label, height);
        c.valueAxis(y, top, unit);
        c.timeAxis(top, top + PLOT_HEIGHT);
        c.awaitingSignificance(actions, top);
        c.line(points, y, top);
        for (int i = 0; i < thresholds.size(); i++) {
            c.threshold(thresholds.get(i), i, y, top);
        }
        for (CanaryStages.Boundary s : stages) {
            c.stage(s, top, top + PLOT_HEIGHT);
        }
        c.markers(actions, labels, top, top + PLOT_HEIGHT);
        return c.close();
    }

    /** The events strip: one lane per tripwire with no chart of its own, a marker per action. */
    static String events(String label, XRange x, List<String> lanes, List<TripwireAction> actions) {
        return events(label, x, lanes, actions, TripwireAction::getTripwire);
    }

    /** An events strip with one lane per value of {@code laneOf} (a tripwire, or a tenant for the timeline of all actions). */
    static String events(String label, XRange x, List<String> lanes, List<TripwireAction> actions,
                         java.util.function.Function<TripwireAction, String> laneOf) {
        int laneHeight = 34;
        int top = 6;
        int height = top + lanes.size() * laneHeight + AXIS_HEIGHT;
        SvgChart c = new SvgChart(x);
        c.open(label, height);
        c.timeAxis(top, top + lanes.size() * laneHeight);
        for (int i = 0; i < lanes.size(); i++) {
            String lane = lanes.get(i);
            int laneTop = top + i * laneHeight;
            if (i > 0) {
                c.svg.append(String.format(Locale.ROOT, "<line class=\"lane\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>",
                        LEFT, WIDTH - RIGHT, laneTop, laneTop));
            }
            c.svg.append(String.format(Locale.ROOT, "<text class=\"lane-label\" x=\"%d\" y=\"%d\">%s</text>",
                    LEFT + 4, laneTop + 12, Html.esc(lane)));
            List<TripwireAction> inLane = actions.stream().filter(a -> laneOf.apply(a).equals(lane)).toList();
            List<Label> labels = labels(x, inLane, false);
            // one label row per lane: labels that would overlap are left to the tooltip
            labels.removeIf(l -> l.row > 0);
            c.markers(inLane, labels, laneTop + 16, laneTop + laneHeight - 2);
        }
        return c.close();
    }

    private double px(long t) {
        return px(x, t);
    }

    private static double px(XRange x, long t) {
        double f = (double) (t - x.from) / Math.max(1, x.to - x.from);
        return LEFT + f * (WIDTH - LEFT - RIGHT);
    }

    private static double py(Ticks.Axis y, int top, double v) {
        return top + PLOT_HEIGHT - y.fraction(v) * PLOT_HEIGHT;
    }

    private void open(String label, int height) {
        svg.append(String.format(Locale.ROOT,
                "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\"><title>%s</title>",
                WIDTH, height, Html.esc(label), Html.esc(label)));
    }

    private String close() {
        return svg.append("</svg>").toString();
    }

    private void valueAxis(Ticks.Axis y, int top, String unit) {
        for (double v : y.ticks()) {
            double yy = py(y, top, v);
            svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>",
                    LEFT, WIDTH - RIGHT, yy, yy));
            svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                    LEFT - 6, yy + 4, y.label(v)));
        }
        if (!unit.isEmpty()) {
            svg.append(String.format(Locale.ROOT,
                    "<text class=\"unit\" transform=\"translate(14 %d) rotate(-90)\" text-anchor=\"middle\">%s</text>",
                    top + PLOT_HEIGHT / 2, Html.esc(unit)));
        }
    }

    private void timeAxis(int top, int bottom) {
        long step = Ticks.timeStep(x.from, x.to, 10);
        Long previous = null;
        for (long t : Ticks.times(x.from, x.to, step)) {
            double xx = px(t);
            svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>",
                    xx, xx, top, bottom));
            svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                    xx, bottom + 16, Ticks.timeLabel(t, step, previous)));
            previous = t;
        }
        svg.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>",
                LEFT, WIDTH - RIGHT, bottom, bottom));
        svg.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>",
                LEFT, LEFT, top, bottom));
        svg.append(String.format(Locale.ROOT, "<text class=\"unit\" x=\"%d\" y=\"%d\" text-anchor=\"end\">UTC</text>",
                WIDTH - RIGHT, bottom + 30));
    }

    private void line(List<Point> points, Ticks.Axis y, int top) {
        List<String> segment = new ArrayList<>();
        for (Point p : points) {
            if (p.gap()) {
                drawSegment(segment);
                segment.clear();
            } else {
                StringBuilder xy = new StringBuilder(16);
                oneDecimal(xy, px(p.at()));
                oneDecimal(xy.append(','), py(y, top, p.value()));
                segment.add(xy.toString());
            }
        }
        drawSegment(segment);
    }

    /**
     * {@code String.format(Locale.ROOT, "%.1f", v)}, appended, without a {@code Formatter} per call: a
     * chart has one point per signal minute (tens of thousands in a day's replay). Where the rounding
     * could depend on how it is done (a tie, a tiny negative, a huge or non-finite value) it is
     * {@code String.format} itself, so the text is always the same.
     */
    static void oneDecimal(StringBuilder b, double v) {
        double t = v * 10;
        if (!(Math.abs(t) < 1e9)) {
            b.append(String.format(Locale.ROOT, "%.1f", v));
            return;
        }
        double fraction = t - Math.floor(t);
        long r = Math.round(t);
        if (Math.abs(fraction - 0.5) < 1e-6 || (r == 0 && Math.copySign(1.0, v) < 0)) {
            b.append(String.format(Locale.ROOT, "%.1f", v));
            return;
        }
        if (r < 0) {
            b.append('-');
            r = -r;
        }
        b.append(r / 10).append('.').append(r % 10);
    }

    private void drawSegment(List<String> segment) {
        if (segment.size() == 1) {
            String[] xy = segment.get(0).split(",");
            svg.append("<circle class=\"dot\" cx=\"").append(xy[0]).append("\" cy=\"").append(xy[1]).append("\" r=\"2.5\"/>");
        } else if (segment.size() > 1) {
            svg.append("<polyline class=\"series\" points=\"").append(String.join(" ", segment)).append("\"/>");
        }
    }

    private void threshold(Threshold t, int index, Ticks.Axis y, int top) {
        double yy = py(y, top, t.value());
        double labelY = yy - 14 < top ? yy + 15 : yy - 5; // under the line when there is no room above it
        svg.append(String.format(Locale.ROOT,
                "<g class=\"threshold\"><line class=\"threshold-line dash%d\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
                        + "<text class=\"threshold-label\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text></g>",
                index % 3, LEFT, WIDTH - RIGHT, yy, yy, WIDTH - RIGHT - 4 - index * 260, labelY, Html.esc(t.label())));
    }

    /** A stage boundary: a vertical line across the plot, its label (the step) at the foot, its time in the tooltip. */
    private void stage(CanaryStages.Boundary s, int top, int bottom) {
        double xx = px(s.at());
        svg.append("<g class=\"stage\"><title>").append(Html.esc(s.title())).append("</title>")
                .append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>", xx, xx, top, bottom))
                .append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>", xx + 3, bottom - 4, Html.esc(s.label())))
                .append("</g>");
    }

    /** Where an action's label goes: above the plot, in the first row where it does not overlap. */
    private record Label(TripwireAction first, String text, int row) {
    }

    /**
     * One label per run of actions with the same firedAt and tripwire (and, if {@code bySeverity},
     * severity): "STOP_RAMP +2" for the three corrective actions replica-lag fires at once, while
     * NOTIFY_ONCALL, an alert, gets its own. Lanes of the events strip have room for one row only.
     */
    private static List<Label> labels(XRange x, List<TripwireAction> actions, boolean bySeverity) {
        List<Label> out = new ArrayList<>();
        double[] rowEnd = new double[MAX_LABEL_ROWS];
        Arrays.fill(rowEnd, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < actions.size(); ) {
            TripwireAction a = actions.get(i);
            int j = i + 1;
            while (j < actions.size() && actions.get(j).getFiredAt().equals(a.getFiredAt())
                    && actions.get(j).getTripwire().equals(a.getTripwire())
                    && (!bySeverity || Severity.of(actions.get(j).getAction()) == Severity.of(a.getAction()))) {
                j++;
            }
            String text = a.getAction() + (j - i > 1 ? " +" + (j - i - 1) : "");
            double start = px(x, a.getFiredAt().toEpochMilli()) + 3;
            for (int r = 0; r < MAX_LABEL_ROWS; r++) {
                if (start > rowEnd[r] + 4) {
                    rowEnd[r] = start + text.length() * 6.6;
                    out.add(new Label(a, text, r));
                    break;
                }
            }
            i = j;
        }
        return out;
    }

    private static int rows(List<Label> labels) {
        return labels.stream().mapToInt(l -> l.row + 1).max().orElse(0);
    }

    /**
     * A shaded band per ratio firing from {@code pastSince} (its estimate went past the threshold:
     * where a plain threshold would have fired) to {@code firedAt} (the breach became significant):
     * why it fired when it did. One band per decision, drawn under the line.
     */
    private void awaitingSignificance(List<TripwireAction> actions, int top) {
        java.util.Set<String> decisions = new java.util.HashSet<>();
        for (TripwireAction a : actions) {
            Long since = pastSince(a);
            if (since == null || since >= a.getFiredAt().toEpochMilli() || !decisions.add(a.getDecisionId())) {
                continue;
            }
            double x0 = Math.max(LEFT, px(since));
            double x1 = px(a.getFiredAt().toEpochMilli());
            String tip = a.getTripwire() + " · " + a.getScope() + ": past its threshold from " + Ticks.full(since)
                    + ", not yet significant; significant (fired) at " + Ticks.full(a.getFiredAt().toEpochMilli());
            svg.append("<g class=\"awaiting\"><title>").append(Html.esc(tip)).append("</title>")
                    .append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/></g>",
                            x0, top, Math.max(1.0, x1 - x0), PLOT_HEIGHT));
        }
    }

    /** The {@code pastSince} of a ratio firing's evidence (SPEC 3 "Significance"), or null. */
    static Long pastSince(TripwireAction a) {
        Object v = a.getEvidence() == null ? null : a.getEvidence().get("pastSince");
        if (v == null) {
            return null;
        }
        try {
            return java.time.Instant.parse(v.toString()).toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            return null; // evidence written by another tool: nothing to draw
        }
    }

    private void markers(List<TripwireAction> actions, List<Label> labels, int top, int bottom) {
        for (TripwireAction a : actions) {
            Severity s = Severity.of(a.getAction());
            double xx = px(a.getFiredAt().toEpochMilli());
            String tip = a.getAction() + " · " + a.getTripwire() + " · " + a.getScope() + " · firedAt "
                    + a.getFiredAt() + "\n" + a.getReason();
            svg.append("<g class=\"marker sev-").append(s.css).append("\"><title>").append(Html.esc(tip)).append("</title>");
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>", xx, xx, top, bottom));
            for (Label l : labels) {
                if (l.first == a) {
                    int ly = top - 4 - l.row * LABEL_ROW;
                    svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%d\" r=\"2.5\"/>", xx, top));
                    svg.append(String.format(Locale.ROOT, "<text class=\"marker-label\" x=\"%.1f\" y=\"%d\">%s</text>",
                            xx + 3, ly, Html.esc(l.text)));
                }
            }
            svg.append("</g>");
        }
    }
}
