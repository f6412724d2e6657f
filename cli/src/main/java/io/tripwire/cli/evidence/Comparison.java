package io.tripwire.cli.evidence;

import io.tripwire.json.ActionJson;
import io.tripwire.json.CanonicalJson;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionVerifier;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The action records that went out against those the rules imply for the recorded events: the
 * same ids and the same content (signatures aside: the replay signs with its own key), every sent
 * one with a signature that verifies. Anything else is a difference, each named.
 */
record Comparison(int implied, int sent, List<String> missing, List<String> unexpected, List<String> different,
                  List<String> badSignatures) {

    boolean clean() {
        return missing.isEmpty() && unexpected.isEmpty() && different.isEmpty() && badSignatures.isEmpty();
    }

    static Comparison of(List<TripwireAction> implied, List<TripwireAction> sent, ActionVerifier verifier) {
        Map<String, TripwireAction> want = new LinkedHashMap<>();
        implied.forEach(a -> want.put(a.getActionId(), a));
        Map<String, TripwireAction> got = new LinkedHashMap<>();
        List<String> bad = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> different = new ArrayList<>();
        for (TripwireAction a : sent) {
            ActionVerifier.Verdict v = verifier.verify(a);
            if (v != ActionVerifier.Verdict.VALID) {
                bad.add(describe(a) + ": signature " + v);
            }
            if (got.put(a.getActionId(), a) != null) {
                unexpected.add(describe(a) + ": sent twice");
            }
        }
        for (TripwireAction a : sent) {
            TripwireAction w = want.get(a.getActionId());
            if (w == null) {
                unexpected.add(describe(a) + ": not implied by the recorded events");
            } else if (!content(w).equals(content(a))) {
                different.add(describe(a) + ": sent " + content(a) + ", implied " + content(w));
            }
        }
        List<String> missing = new ArrayList<>();
        want.forEach((id, a) -> {
            if (!got.containsKey(id)) {
                missing.add(describe(a) + ": implied by the recorded events, not sent");
            }
        });
        return new Comparison(implied.size(), sent.size(), missing, unexpected, different, bad);
    }

    /** The record's canonical JSON without its signature. */
    static String content(TripwireAction a) {
        return CanonicalJson.write(ActionJson.toMap(a, false));
    }

    static String describe(TripwireAction a) {
        return a.getActionId().substring(0, Math.min(12, a.getActionId().length())) + " (" + a.getFiredAt() + " " + a.getTenant() + " "
                + a.getTripwire() + " " + a.getAction() + ")";
    }

    String markdown() {
        StringBuilder b = new StringBuilder("# Actions sent against actions implied\n\n");
        b.append(implied).append(" action records implied by the recorded events (a replay with the rules), ").append(sent)
                .append(" read from the action topic.\n\n");
        if (clean()) {
            return b.append("**Identical**: every implied record was sent, nothing else was, each with the same content and a "
                    + "signature that verifies.\n").toString();
        }
        section(b, "Implied, not sent (dropped?)", missing);
        section(b, "Sent, not implied (forged or from other events?)", unexpected);
        section(b, "Different content", different);
        section(b, "Signatures that do not verify", badSignatures);
        return b.toString();
    }

    /** comparison.md of a bundle made without the action records that went out (file mode without --actions). */
    static String notCompared(int implied) {
        return "# Actions sent against actions implied\n\n**Not compared**: no sent action records were given (`--actions`). "
                + "replay/actions.jsonl holds the " + implied + " action records the rules imply for the recorded events in the window; "
                + "this bundle does not show what went out.\n";
    }

    /** comparison.json of such a bundle. */
    static Map<String, Object> notComparedMap(int implied) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("implied", implied);
        m.put("compared", false);
        m.put("why", "no sent action records were given (--actions)");
        return m;
    }

    private static void section(StringBuilder b, String title, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        b.append("## ").append(title).append(" (").append(items.size()).append(")\n\n");
        items.forEach(i -> b.append("- ").append(i).append('\n'));
        b.append('\n');
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("implied", implied);
        m.put("sent", sent);
        m.put("identical", clean());
        m.put("missing", missing);
        m.put("unexpected", unexpected);
        m.put("different", different);
        m.put("badSignatures", badSignatures);
        return m;
    }
}
