package io.tripwire.cli.history;

import io.tripwire.engine.replay.ReplayEngine;
import io.tripwire.engine.replay.ReplayInput;
import io.tripwire.engine.rules.RuleNode;
import io.tripwire.engine.rules.Rules;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import io.tripwire.signing.Ed25519Keys;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code gate} and {@code evidence} carry into a window {@code [from, to)} from before it: the
 * replay begins at {@code from} less the rules' {@link Lookback}, or earlier, at the opening of a
 * hold still open then ({@link OpenHolds}); what it replays before {@code from} builds state but is
 * not counted. Where that history could not be read (retention took it), each {@link Gap} says so,
 * and a verdict that depends on it is INCONCLUSIVE rather than a PASS.
 *
 * @param replayFrom where the replay begins (at or before {@code from})
 * @param readBack   the holds open at {@code from − lookback} that made it begin earlier
 * @param gaps       history that could not be read
 */
public record CarryIn(Instant from, Instant to, Lookback lookback, Instant replayFrom, List<OpenHolds.Hold> readBack, List<Gap> gaps) {

    /**
     * History that could not be read.
     *
     * @param hides what it may hide: {@link Hides#HOLDS} a hold or firing open at the window's start,
     *              {@link Hides#APPROVALS} an approval to enact in force at it
     */
    public record Gap(String text, Hides hides) {
    }

    public enum Hides { HOLDS, APPROVALS }

    public CarryIn {
        readBack = List.copyOf(readBack);
        gaps = List.copyOf(gaps);
    }

    /**
     * The carry-in of {@code [from, to)} given what the engine did before (its action records, at
     * least those before {@code from − lookback}) and the overrides before it.
     */
    public static CarryIn plan(Instant from, Instant to, Rules rules, List<TripwireAction> before, List<HumanOverride> overrides,
                               List<Gap> gaps) {
        Lookback lookback = Lookback.of(rules);
        Instant start = from.minus(lookback.span());
        List<OpenHolds.Hold> open = OpenHolds.at(start, before, overrides, rules);
        Instant replayFrom = open.stream().map(OpenHolds.Hold::readFrom).filter(t -> t.isBefore(start)).min(Comparator.naturalOrder())
                .orElse(start);
        return new CarryIn(from, to, lookback, replayFrom, open, gaps);
    }

    /**
     * File mode: the file's earlier events are the history. Those before {@code from − lookback} are
     * replayed once to learn what was open then (the file's own account of what the engine did), and
     * the carry-in planned from that. {@code events}: the events that may count (e.g. one tenant's).
     */
    public static CarryIn ofEvents(List<ReplayInput.Event> events, Instant from, Instant to, Rules rules) {
        Instant start = from.minus(Lookback.of(rules).span());
        List<ReplayInput.Event> earlier = events.stream().filter(e -> e.ts().isBefore(start))
                .sorted(Comparator.comparing(ReplayInput.Event::ts)).toList();
        List<TripwireAction> actions = List.of();
        if (!earlier.isEmpty()) {
            try (ReplayEngine engine = new ReplayEngine(rules, new ActionSigner(Ed25519Keys.generate().getPrivate()))) {
                earlier.forEach(e -> engine.send(e.event(), e.line(), e.source(), e.raw()));
                actions = engine.output().actions();
            }
        }
        List<HumanOverride> overrides = earlier.stream().filter(e -> e.event() instanceof HumanOverride)
                .map(e -> (HumanOverride) e.event()).toList();
        return plan(from, to, rules, actions, overrides, List.of());
    }

    /** The same carry-in with more gaps (e.g. input topics that no longer reach back to {@link #replayFrom}). */
    public CarryIn withGaps(List<Gap> more) {
        List<Gap> all = new ArrayList<>(gaps);
        all.addAll(more);
        return new CarryIn(from, to, lookback, replayFrom, readBack, all);
    }

    /** Whether an event at {@code t} is replayed: in {@code [replayFrom, to)}. */
    public boolean replays(Instant t) {
        return !t.isBefore(replayFrom) && t.isBefore(to);
    }

    /** Whether an event or action at {@code t} counts: in the window {@code [from, to)}. */
    public boolean counts(Instant t) {
        return !t.isBefore(from) && t.isBefore(to);
    }

    /** The gaps that may hide {@code what}. */
    public List<Gap> gaps(Hides what) {
        return gaps.stream().filter(g -> g.hides() == what).toList();
    }

    /** For {@code --json} and the evidence manifest, fields in a fixed order. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("replayedFrom", replayFrom.toString());
        m.put("lookback", RuleNode.format(lookback.span()));
        m.put("lookbackSetBy", lookback.setBy());
        List<Map<String, Object>> holds = new ArrayList<>();
        for (OpenHolds.Hold h : readBack) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("what", h.what());
            x.put("since", h.since().toString());
            x.put("readFrom", h.readFrom().toString());
            holds.add(x);
        }
        m.put("readBack", holds);
        m.put("couldNotLookBack", gaps.stream().map(Gap::text).toList());
        return m;
    }

    /** The carry-in in a few lines of plain text, for the table output. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("carried in: replayed from " + replayFrom + ", " + (readBack.isEmpty() ? "" : "earlier than ") + RuleNode.format(lookback.span())
                + " before the window (the rules' longest reach, " + lookback.setBy() + ")" + (readBack.isEmpty() ? ""
                : " for what was still open then") + "; events before " + from + " build state and are not counted");
        readBack.forEach(h -> out.add("read back to " + h.readFrom() + " for " + h.what() + ", open since " + h.since()));
        gaps.forEach(g -> out.add("could not look further back: " + g.text()));
        return out;
    }
}
