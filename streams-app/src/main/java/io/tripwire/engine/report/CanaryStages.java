package io.tripwire.engine.report;

import io.tripwire.engine.report.Downsampler.Point;
import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.TripwireAction;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where a tenant's canary stages begin (SPEC 3 "Canary judgement": at each rollout step), as far
 * as the report can tell. It is written from the replay's actions and signals, not its events, so
 * the rollout steps themselves are not at hand; their traces are, from the surest:
 * <ul>
 *   <li>every canary record's evidence names its stage's start and step percent;</li>
 *   <li>a canary key resolves only when its stage ends, at the next step's time: a canary RESOLVED
 *   is a stage start (its evidence is the ended stage's);</li>
 *   <li>every key starts afresh at a new stage, so a canary_e_worse series that falls back to
 *   exactly 1 began a stage within the bucket before: drawn at that bucket's start, marked as
 *   approximate, unless a start the records name already lies there.</li>
 * </ul>
 * A stage in which no key fired or passed and no series had moved from 1 leaves no trace.
 */
final class CanaryStages {

    /** A stage boundary: its time, the label at the foot of its line, and its tooltip. */
    record Boundary(long at, String label, String title) {
    }

    private static final long BUCKET = 60_000;
    private static final int UNKNOWN = -1;

    private CanaryStages() {
    }

    /** The boundaries, in time order, from a tenant's actions and its canary_e_worse series (each sorted by time). */
    static List<Boundary> of(List<TripwireAction> actions, Collection<List<Point>> series) {
        TreeMap<Long, Integer> named = new TreeMap<>(); // stage start -> step percent, or UNKNOWN
        for (TripwireAction a : actions) {
            Map<String, Object> evidence = a.getEvidence();
            Long start = evidence == null ? null : time(evidence.get("stageStart"));
            if (start == null) {
                continue; // not a record of the canary judgement
            }
            named.merge(start, evidence.get("stepPercent") instanceof Number n ? n.intValue() : UNKNOWN, Math::max);
            if (a.getAction() == ActionType.RESOLVED) {
                named.merge(a.getFiredAt().toEpochMilli(), UNKNOWN, Math::max);
            }
        }
        List<Boundary> out = new ArrayList<>();
        named.forEach((at, step) -> out.add(new Boundary(at, step == UNKNOWN ? "stage" : "stage " + step + "%",
                "stage from " + Ticks.full(at) + (step == UNKNOWN ? "" : ", rollout step to " + step + "%"))));
        TreeMap<Long, Long> restarts = new TreeMap<>(); // end of the bucket that restarted -> end of the one before
        for (List<Point> line : series) {
            for (int i = 1; i < line.size(); i++) {
                if (line.get(i).value() == 1.0 && line.get(i - 1).value() != 1.0) {
                    restarts.merge(line.get(i).at(), line.get(i - 1).at(), Math::max);
                }
            }
        }
        TreeSet<Long> drawn = new TreeSet<>(named.keySet());
        restarts.forEach((at, before) -> {
            // the stage began after the last bucket of the one before had begun, and before this bucket's end
            Long known = drawn.ceiling(before - BUCKET + 1);
            if (known == null || known >= at) {
                long from = at - BUCKET;
                drawn.add(from);
                out.add(new Boundary(from, "stage (≈)", "a new stage began between " + Ticks.full(before - BUCKET) + " and "
                        + Ticks.full(at) + ": the canary e-values restarted at 1 (no canary record names its start)"));
            }
        });
        out.sort((a, b) -> Long.compare(a.at(), b.at()));
        return out;
    }

    /** An ISO time from evidence (a String, or an Avro Utf8 when read back from a topic), or null. */
    private static Long time(Object v) {
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v.toString()).toEpochMilli();
        } catch (DateTimeParseException e) {
            return null; // evidence written by another tool: no boundary from it
        }
    }
}
