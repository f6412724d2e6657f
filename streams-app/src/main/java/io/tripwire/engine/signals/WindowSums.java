package io.tripwire.engine.signals;

import java.util.Arrays;

/**
 * Running sums of one key's minute buckets over several rolling windows. {@code head} is the
 * minute of the key's stream time; window i covers the buckets {@code head - minutes[i] + 1 ..
 * head}. Kept so every window costs O(1) per event instead of a scan.
 */
public record WindowSums(long head, int[] minutes, Tally[] sums) {

    public static final BinarySerde<WindowSums> SERDE = BinarySerde.of(
            (out, w) -> {
                out.writeLong(w.head);
                out.writeShort(w.minutes.length);
                for (int i = 0; i < w.minutes.length; i++) {
                    out.writeInt(w.minutes[i]);
                    w.sums[i].writeTo(out);
                }
            },
            in -> {
                long head = in.readLong();
                int n = in.readShort();
                int[] minutes = new int[n];
                Tally[] sums = new Tally[n];
                for (int i = 0; i < n; i++) {
                    minutes[i] = in.readInt();
                    sums[i] = Tally.readFrom(in);
                }
                return new WindowSums(head, minutes, sums);
            });

    /** Sum of the window of {@code windowMinutes}, which must be one of {@link #minutes()}. */
    public Tally window(int windowMinutes) {
        for (int i = 0; i < minutes.length; i++) {
            if (minutes[i] == windowMinutes) {
                return sums[i];
            }
        }
        throw new IllegalArgumentException("no running sum kept for a " + windowMinutes + "m window");
    }

    boolean sameWindows(int[] other) {
        return Arrays.equals(minutes, other);
    }
}
