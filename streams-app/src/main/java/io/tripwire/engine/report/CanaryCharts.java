package io.tripwire.engine.report;

import io.tripwire.engine.report.Downsampler.Point;
import io.tripwire.engine.report.SvgChart.XRange;
import io.tripwire.engine.report.ThresholdLines.Threshold;
import io.tripwire.schemas.TripwireAction;

import java.util.ArrayList;
import java.util.List;

/**
 * A canary key's chart (SPEC 3 "Canary judgement"): its e_worse after each closed minute bucket,
 * with the level its tripwire fires and passes at dashed, its actions marked and the tenant's stage
 * boundaries drawn, on a log axis: an e-value is a product of likelihood ratios, from below 1 to
 * 1e300 and past it within minutes of a bad canary, and what matters is how it stands to the level.
 */
final class CanaryCharts {

    /**
     * The axis reaches from no lower than 10⁻² to no higher than 10⁶: the level is 10² at the
     * default confidence, and past these ends the reading is only "far below" or "far past" it.
     */
    static final int FLOOR = -2;
    static final int CEILING = 6;

    private CanaryCharts() {
    }

    /**
     * The {@code <figure>} of one canary key.
     *
     * @param line       the key's e_worse points, sorted by time
     * @param thresholds the level of the tripwire that watches the key, from the rules
     * @param related    the key's actions: fired, CANARY_PASSED, RESOLVED at a stage's end
     * @param stages     the tenant's stage boundaries ({@link CanaryStages})
     */
    static String figure(String tenant, String scope, XRange x, List<Point> line, List<Threshold> thresholds,
                         List<TripwireAction> related, List<CanaryStages.Boundary> stages, int maxPoints) {
        double lo = 1; // every key starts its stage at 1: the axis always shows where it began
        double hi = 1;
        List<Point> drawn = new ArrayList<>(line.size() + stages.size());
        int stage = 0;
        for (Point p : line) {
            // each stage's e-value starts afresh: no segment joins the last bucket of one to the first of the next
            while (stage < stages.size() && stages.get(stage).at() < p.at()) {
                if (!drawn.isEmpty()) {
                    drawn.add(new Point(stages.get(stage).at(), Double.NaN));
                }
                stage++;
            }
            // an e-value past the largest double reads back as infinite: it is past any axis, not a gap
            Point q = p.value() == Double.POSITIVE_INFINITY ? new Point(p.at(), Double.MAX_VALUE) : p;
            drawn.add(q);
            if (!q.gap()) {
                lo = Math.min(lo, q.value());
                hi = Math.max(hi, q.value());
            }
        }
        for (Threshold t : thresholds) {
            lo = Math.min(lo, t.value());
            hi = Math.max(hi, t.value());
        }
        Ticks.Decades y = Ticks.decades(lo, hi, FLOOR, CEILING, 5);
        SignalNames.Described d = SignalNames.describe(SignalNames.CANARY_E_WORSE, scope);
        String caption = d.title() + " · " + scope;
        StringBuilder b = new StringBuilder("<figure class=\"signal\"><figcaption>").append(Html.esc(caption)).append(" <code>")
                .append(SignalNames.CANARY_E_WORSE).append("</code>");
        if (drawn.stream().anyMatch(p -> y.cuts(p.value()))) {
            b.append(" <span class=\"note\">(values beyond ").append(Ticks.power(y.low())).append(" … ")
                    .append(Ticks.power(y.high())).append(" are drawn on the frame)</span>");
        }
        return b.append("</figcaption>")
                .append(SvgChart.plot(tenant + " " + caption, d.unit(), x, y, Downsampler.minMax(drawn, maxPoints), thresholds,
                        related, stages))
                .append("</figure>\n").toString();
    }
}
