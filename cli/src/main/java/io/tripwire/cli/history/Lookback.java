package io.tripwire.cli.history;

import io.tripwire.engine.rules.RuleNode;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.rules.TripwireRule;

import java.time.Duration;
import java.util.Comparator;

/**
 * How far back before a window the rules' state at its start reaches: what {@code gate} and
 * {@code evidence} replay, uncounted, before {@code --from}. A rule's reach is its longest window
 * plus its held-for and keep-firing-for; {@code error-budget} adds its {@code freeze-for}, because a
 * ramp freeze in force at the window's start was set by a firing up to that long before, decided on
 * the window before that firing (so the shipped rules reach back 48h: 24h of budget, 24h of freeze).
 * Holds with no end of their own (a residency hold, a throttled pilot, a firing key) can be older:
 * {@link OpenHolds} finds those.
 *
 * @param span  the longest reach of any rule
 * @param setBy which rule sets it and how, for the output ("error-budget: 24h window + 24h freeze-for")
 */
public record Lookback(Duration span, String setBy) {

    /** The longest reach of the rules' tripwires; zero when none keeps state over time. */
    public static Lookback of(Rules rules) {
        return rules.tripwires().stream().map(r -> new Lookback(r.reach(), r.id() + ": " + parts(r)))
                .max(Comparator.comparing(Lookback::span)).filter(l -> !l.span().isZero())
                .orElse(new Lookback(Duration.ZERO, "no rule keeps state over time"));
    }

    private static String parts(TripwireRule r) {
        StringBuilder b = new StringBuilder(RuleNode.format(r.stateWindow())).append(" window");
        if (!r.heldFor().isZero()) {
            b.append(" + ").append(RuleNode.format(r.heldFor())).append(" held-for");
        }
        if (!r.keepFiringFor().isZero()) {
            b.append(" + ").append(RuleNode.format(r.keepFiringFor())).append(" keep-firing-for");
        }
        if (!r.holdsFor().isZero()) {
            b.append(" + ").append(RuleNode.format(r.holdsFor())).append(" freeze-for");
        }
        return b.toString();
    }
}
