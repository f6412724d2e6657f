package io.tripwire.engine.approvals;

import io.tripwire.engine.signals.BinarySerde;

import java.util.Map;
import java.util.TreeMap;

/**
 * The approval tokens a tenant's honoured overrides have used, each with its override's
 * {@code notAfter}, in the {@code approval-tokens} store, so a restart does not make a token usable
 * again. A token counts as used for an override whose {@code ts} is not after that {@code notAfter}
 * (a replay of the approval, or another approval within its validity); it is forgotten once no
 * override the engine still accepts (not late) can be that early. Bounded by the tokens in force.
 */
public record UsedTokens(TreeMap<String, Long> notAfter) {

    public static UsedTokens none() {
        return new UsedTokens(new TreeMap<>());
    }

    /** Whether {@code token} was used by an honoured override whose {@code notAfter} is not before {@code ts}. */
    public boolean used(String token, long ts) {
        Long until = notAfter.get(token);
        return until != null && until >= ts;
    }

    /** Records a token until {@code until} and forgets those that ended before {@code forgetBefore}. */
    public UsedTokens with(String token, long until, long forgetBefore) {
        TreeMap<String, Long> next = new TreeMap<>(notAfter);
        next.values().removeIf(t -> t < forgetBefore);
        next.merge(token, until, Math::max);
        return new UsedTokens(next);
    }

    public static final BinarySerde<UsedTokens> SERDE = BinarySerde.of(
            (out, u) -> {
                out.writeInt(u.notAfter.size());
                for (Map.Entry<String, Long> e : u.notAfter.entrySet()) {
                    out.writeUTF(e.getKey());
                    out.writeLong(e.getValue());
                }
            },
            in -> {
                TreeMap<String, Long> m = new TreeMap<>();
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    m.put(in.readUTF(), in.readLong());
                }
                return new UsedTokens(m);
            });
}
