package io.tripwire.engine.signals;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Minute buckets of a {@link Tally} per key, plus running sums over rolling windows. Adding an
 * event is O(1) per window: the bucket and each sum change by the event; when the key's stream
 * time enters a new minute, the buckets that leave each window are subtracted (each bucket once
 * per window, looked up minute by minute, or by a range scan after a longer gap). Buckets older
 * than the longest window are deleted.
 */
public final class RollingCounts {

    /** The sums before the head moved to a new minute (null if it did not move), and after. */
    public record Update(WindowSums closedMinute, WindowSums now) {
    }

    private final KeyValueStore<String, Tally> buckets;
    private final KeyValueStore<String, WindowSums> sums;
    private final int[] windows;
    private final int width;

    public RollingCounts(KeyValueStore<String, Tally> buckets, KeyValueStore<String, WindowSums> sums,
                         List<Duration> windows, int width) {
        this.buckets = buckets;
        this.sums = sums;
        this.windows = windows.stream().mapToInt(Minutes::count).distinct().sorted().toArray();
        this.width = width;
    }

    /**
     * Adds {@code delta} at {@code eventMinute}, with the key's stream time at {@code clockMinute}
     * ({@code eventMinute <= clockMinute}; the caller has already refused late events).
     */
    public Update add(String key, long clockMinute, long eventMinute, Tally delta) {
        WindowSums before = current(key, clockMinute);
        WindowSums closed = null;
        WindowSums s = before;
        if (clockMinute > before.head()) {
            closed = before;
            s = advance(key, before, clockMinute);
        }
        String bucketKey = StoreKeys.minute(key, eventMinute);
        Tally bucket = buckets.get(bucketKey);
        buckets.put(bucketKey, bucket == null ? delta : bucket.plus(delta));
        Tally[] next = s.sums().clone();
        for (int i = 0; i < windows.length; i++) {
            if (eventMinute > s.head() - windows[i]) {
                next[i] = next[i].plus(delta);
            }
        }
        WindowSums now = new WindowSums(s.head(), windows, next);
        sums.put(key, now);
        return new Update(closed, now);
    }

    /**
     * The key's sums over the whole minutes before {@code minute}: for each window of W minutes, the
     * buckets {@code minute - W .. minute - 1}, summed from the buckets themselves. Independent of how
     * far the key's stream time has moved on (as long as its buckets are still kept: a caller that asks
     * behind the head keeps a longer window than it asks for). Changes nothing; O(W) lookups, for rare
     * questions (an approval), not for every event.
     */
    public WindowSums before(String key, long minute) {
        Tally[] s = new Tally[windows.length];
        for (int i = 0; i < windows.length; i++) {
            s[i] = sumRange(key, minute - windows[i], minute - 1, false);
        }
        return new WindowSums(minute - 1, windows, s);
    }

    /** The key's sums, or empty ones; rebuilt from the buckets when the configured windows changed. */
    private WindowSums current(String key, long clockMinute) {
        WindowSums s = sums.get(key);
        if (s == null) {
            Tally[] zero = new Tally[windows.length];
            java.util.Arrays.fill(zero, Tally.zero(width));
            return new WindowSums(clockMinute, windows, zero);
        }
        if (!s.sameWindows(windows)) {
            Tally[] rebuilt = new Tally[windows.length];
            for (int i = 0; i < windows.length; i++) {
                rebuilt[i] = sumRange(key, s.head() - windows[i] + 1, s.head(), false);
            }
            return new WindowSums(s.head(), windows, rebuilt);
        }
        return s;
    }

    private WindowSums advance(String key, WindowSums s, long newHead) {
        Tally[] next = s.sums().clone();
        int longest = windows[windows.length - 1];
        for (int i = 0; i < windows.length; i++) {
            long firstOut = s.head() - windows[i] + 1;
            long lastOut = Math.min(newHead - windows[i], s.head());
            if (lastOut >= firstOut) {
                boolean delete = windows[i] == longest;
                next[i] = next[i].minus(sumRange(key, firstOut, lastOut, delete));
            }
        }
        return new WindowSums(newHead, windows, next);
    }

    /** Up to this many minutes, {@link #sumRange} looks each bucket up instead of scanning a range. */
    static final int POINT_LOOKUPS = 16;

    private Tally sumRange(String key, long fromMinute, long toMinute, boolean delete) {
        Tally total = Tally.zero(width);
        if (toMinute - fromMinute < POINT_LOOKUPS) {
            // the common case, the head moving on by a minute: a lookup per minute costs far less than a
            // range scan, which writes every changed bucket of the store back first (WriteBackStore.range)
            for (long m = Math.max(0, fromMinute); m <= toMinute; m++) {
                String k = StoreKeys.minute(key, m);
                Tally t = buckets.get(k);
                if (t != null) {
                    total = total.plus(t);
                    if (delete) {
                        buckets.delete(k);
                    }
                }
            }
            return total;
        }
        List<String> gone = new ArrayList<>();
        try (KeyValueIterator<String, Tally> it = buckets.range(StoreKeys.minute(key, Math.max(0, fromMinute)), StoreKeys.minute(key, toMinute))) {
            while (it.hasNext()) {
                KeyValue<String, Tally> kv = it.next();
                total = total.plus(kv.value);
                gone.add(kv.key);
            }
        }
        if (delete) {
            gone.forEach(buckets::delete);
        }
        return total;
    }
}
