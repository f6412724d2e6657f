package io.tripwire.engine.signals;

import org.HdrHistogram.Histogram;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Per key (tenant × op) 1-minute HdrHistogram buckets, and the percentile evaluation at each
 * minute boundary m over the window [m − W, m), once stream time has passed m plus grace.
 */
public final class LatencyWindows {

    /** One evaluation at a boundary; {@code percentiles} is null when the window held no request. */
    public record Evaluation(long boundaryMillis, Percentiles percentiles) {
    }

    private final KeyValueStore<String, Histogram> buckets;
    private final KeyValueStore<String, LatencyCursor> cursors;
    private final int windowMinutes;
    private final int emptyMinutes;
    private final Histogram scratch = HistogramSerde.newHistogram();
    /**
     * Histogram objects of deleted minute buckets, reused (reset) for new minutes: a minute's
     * histogram is tens of KB of counts (3 significant digits up to the key's slowest request), and
     * allocating one per key and minute was most of what a new minute cost, in zeroing and in GC.
     * Not state: an object joins the list only once its bucket is deleted, which the store's
     * contract allows (no caller keeps a bucket's histogram past the call it read it in). At most
     * {@value #FREE_MAX} are kept; more deletions than that in a row go to the GC.
     */
    private final ArrayDeque<Histogram> free = new ArrayDeque<>();
    static final int FREE_MAX = 256;
    /** Per key, the range its buckets grew to: a sizing hint only (not state), so it is neither kept nor restored. */
    private final Map<String, Long> sizes = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > 65_536;
        }
    };

    /**
     * @param emptyMinutes how many boundaries after the first empty one of a gap are evaluated too:
     *                     the longest keep-firing-for of the latency tripwires, in minutes. Past that,
     *                     an empty boundary can change nothing (a key that was firing has resolved,
     *                     a clear one stays clear), so a long gap costs no more than that.
     */
    public LatencyWindows(KeyValueStore<String, Histogram> buckets, KeyValueStore<String, LatencyCursor> cursors, int windowMinutes,
                          int emptyMinutes) {
        this.buckets = buckets;
        this.cursors = cursors;
        this.windowMinutes = windowMinutes;
        this.emptyMinutes = emptyMinutes;
    }

    /** Records one request's latency in its minute bucket, for the window evaluations of {@link #due}. */
    public void record(String key, long ts, double latencyMs) {
        long minute = Minutes.of(ts);
        recordMinute(key, ts, latencyMs);
        LatencyCursor c = cursors.get(key);
        if (c == null) {
            TreeSet<Long> minutes = new TreeSet<>();
            minutes.add(minute);
            cursors.put(key, new LatencyCursor(minute, false, minutes));
        } else if (!c.minutes().contains(minute) || (!c.evaluated() && minute < c.lastBoundary())) {
            TreeSet<Long> minutes = new TreeSet<>(c.minutes());
            minutes.add(minute);
            long last = c.evaluated() ? c.lastBoundary() : Math.min(c.lastBoundary(), minute);
            cursors.put(key, new LatencyCursor(last, c.evaluated(), minutes));
        }
    }

    /**
     * Records one request's latency in the minute bucket of {@code key} only: no window cursor, for
     * buckets read one minute at a time ({@link #minute}) and dropped by the caller ({@link #drop}),
     * as the canary judgement does. True when the request opened the minute's bucket.
     */
    public boolean recordMinute(String key, long ts, double latencyMs) {
        long minute = Minutes.of(ts);
        String bucketKey = StoreKeys.minute(key, minute);
        Histogram h = buckets.get(bucketKey); // the store's own object (a WriteBackStore): recorded into and put back at once
        boolean opened = h == null;
        long range = 0;
        if (opened) {
            h = fresh(key);
        } else {
            range = h.getHighestTrackableValue();
        }
        h.recordValue(Math.round(latencyMs * 1000.0));
        if (h.getHighestTrackableValue() != range && h.getHighestTrackableValue() > sizes.getOrDefault(key, 0L)) {
            sizes.put(key, h.getHighestTrackableValue()); // a new bucket, or one that grew: the hint is looked at only then
        }
        buckets.put(bucketKey, h); // marks it changed: encoded once, at the next commit
        return opened;
    }

    /**
     * An empty histogram for a new minute of {@code key}: one a deleted minute left, reset, or a new
     * one sized like the key's last bucket (growing an empty histogram value by value copies its
     * counts each time).
     */
    private Histogram fresh(String key) {
        Histogram h = free.pollFirst();
        if (h != null) {
            h.reset();
            return h;
        }
        Long hint = sizes.get(key);
        return hint == null ? HistogramSerde.newHistogram() : HistogramSerde.newHistogram(hint);
    }

    /** Deletes one minute bucket and keeps its histogram object for a new minute (see {@link #free}). */
    private void delete(String bucketKey) {
        Histogram old = buckets.delete(bucketKey);
        if (old != null && free.size() < FREE_MAX) {
            free.addFirst(old);
        }
    }

    /** The histogram (microseconds) of one minute of {@code key}, or null when it holds nothing. */
    public Histogram minute(String key, long minute) {
        return buckets.get(StoreKeys.minute(key, minute));
    }

    /** The minutes of {@code key} (made by {@link #record}) from {@code from} on that have a bucket. */
    public java.util.SortedSet<Long> minutesFrom(String key, long from) {
        LatencyCursor c = cursors.get(key);
        return c == null ? new TreeSet<>() : c.minutes().tailSet(from, true);
    }

    /** Keeps a histogram changed in place as the minute bucket of {@code key} (encoded at the next commit). */
    public void put(String key, long minute, Histogram h) {
        buckets.put(StoreKeys.minute(key, minute), h);
    }

    /** Adds {@code h} into the minute bucket of {@code key} (made by {@link #recordMinute}). */
    public void add(String key, long minute, Histogram h) {
        String bucketKey = StoreKeys.minute(key, minute);
        Histogram into = buckets.get(bucketKey);
        if (into == null) {
            into = h.copy();
        } else {
            into.add(h);
        }
        buckets.put(bucketKey, into);
    }

    /**
     * Deletes one minute bucket of {@code key} (made by {@link #recordMinute}). The caller must not
     * keep the histogram it read from that bucket: the object is reused for a new minute.
     */
    public void drop(String key, long minute) {
        delete(StoreKeys.minute(key, minute));
    }

    /** Last boundary (epoch minute) that is due at stream time {@code clock}. */
    public static long dueBoundary(long clock, long graceMillis) {
        return Math.floorDiv(clock - graceMillis, Minutes.MILLIS);
    }

    /**
     * Told the merged histogram of every window with requests, right after its evaluation, while its
     * minute buckets are still there (the canary judgement derives the baseline's window from it).
     * The histogram is a scratch, valid during the call only; the hook may change it.
     */
    @FunctionalInterface
    public interface WindowHook {
        void window(long boundaryMinute, Histogram merged);
    }

    /** Evaluates every boundary of {@code key} that became due by {@code clock}, in order. */
    public List<Evaluation> due(String key, long clock, long graceMillis) {
        return due(key, clock, graceMillis, null);
    }

    /** As {@link #due(String, long, long)}, telling {@code hook} (if not null) each non-empty window's merged histogram. */
    public List<Evaluation> due(String key, long clock, long graceMillis, WindowHook hook) {
        LatencyCursor c = cursors.get(key);
        long dueB = dueBoundary(clock, graceMillis);
        if (c == null || dueB <= c.lastBoundary()) {
            return List.of();
        }
        List<Evaluation> out = new ArrayList<>();
        TreeSet<Long> minutes = c.minutes();
        long b = c.lastBoundary() + 1;
        long firstEmpty = Long.MIN_VALUE;
        while (b <= dueB) {
            var inWindow = minutes.subSet(b - windowMinutes, true, b - 1, true);
            if (!inWindow.isEmpty()) {
                Histogram merged = merge(key, inWindow);
                out.add(new Evaluation(Minutes.start(b), Percentiles.of(merged)));
                if (hook != null) {
                    hook.window(b, merged);
                }
                firstEmpty = Long.MIN_VALUE;
                b++;
            } else {
                out.add(new Evaluation(Minutes.start(b), null));
                if (firstEmpty == Long.MIN_VALUE) {
                    firstEmpty = b;
                }
                if (b < firstEmpty + emptyMinutes) {
                    b++;
                } else { // skip the rest of the gap: the next boundary whose window holds a request
                    Long next = minutes.ceiling(b);
                    b = next == null ? dueB + 1 : Math.max(b + 1, next + 1);
                }
            }
        }
        TreeSet<Long> kept = new TreeSet<>(minutes.tailSet(dueB - windowMinutes + 1, true));
        for (long m : minutes.headSet(dueB - windowMinutes + 1, false)) {
            delete(StoreKeys.minute(key, m));
        }
        cursors.put(key, new LatencyCursor(dueB, true, kept));
        return out;
    }

    /**
     * The window's buckets added into one scratch histogram, reused (reset) for every window: a new
     * one would grow its counts array bucket by bucket, which was most of the cost of a boundary.
     */
    private Histogram merge(String key, Iterable<Long> minutes) {
        Histogram sum = scratch;
        sum.reset();
        for (long m : minutes) {
            Histogram h = buckets.get(StoreKeys.minute(key, m));
            if (h != null) {
                sum.add(h);
            }
        }
        return sum;
    }
}
