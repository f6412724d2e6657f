package io.tripwire.signing;

import io.tripwire.json.CanonicalJson;

import java.time.Instant;
import java.util.Map;

/**
 * Deterministic ids of action records (SPEC section 4). The same input gives the same ids on every
 * replay, so consumers deduplicate by them.
 *
 * <ul>
 *   <li>{@code decisionId} = SHA-256 of the lines {@code tripwire}, {@code tenant}, {@code scope},
 *       {@code firedAt} (ISO-8601, as {@link Instant#toString()}) and, for a tripwire fired by one
 *       event, that event's trigger (opId or step), joined by {@code '\n'};</li>
 *   <li>{@code actionId} = SHA-256 of {@code decisionId + '\n' + action};</li>
 *   <li>{@code evidenceId} = SHA-256 of the canonical JSON of the evidence map.</li>
 * </ul>
 */
public final class ActionIds {

    private ActionIds() {
    }

    /** decisionId; {@code trigger} is null for tripwires evaluated over windows. */
    public static String decisionId(String tripwire, String tenant, String scope, Instant firedAt, String trigger) {
        String base = tripwire + '\n' + tenant + '\n' + scope + '\n' + firedAt;
        return Sha256.hex(trigger == null ? base : base + '\n' + trigger);
    }

    /** actionId of one action of a decision. */
    public static String actionId(String decisionId, String action) {
        return Sha256.hex(decisionId + '\n' + action);
    }

    /** evidenceId of an evidence map. */
    public static String evidenceId(Map<String, ?> evidence) {
        return Sha256.hex(CanonicalJson.write(evidence));
    }
}
