package io.tripwire.engine.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Thins a long series for drawing: the time range is cut into equal buckets and each bucket keeps
 * only its lowest and highest point, so a one-minute spike in a month of data still shows.
 */
final class Downsampler {

    /** A point of a series; a value that is not finite (NaN, infinite) is a gap: the line breaks there. */
    record Point(long at, double value) {
        boolean gap() {
            return !Double.isFinite(value);
        }
    }

    private Downsampler() {
    }

    /** At most {@code maxPoints} drawn points (plus gap markers) from points sorted by time. */
    static List<Point> minMax(List<Point> sorted, int maxPoints) {
        if (sorted.size() <= maxPoints) {
            return sorted;
        }
        int buckets = Math.max(1, maxPoints / 2);
        long from = sorted.get(0).at();
        double span = sorted.get(sorted.size() - 1).at() - from + 1.0;
        List<Point> out = new ArrayList<>(maxPoints + buckets);
        long bucket = -1;
        Point min = null;
        Point max = null;
        boolean gap = false;
        for (Point p : sorted) {
            long b = (long) ((p.at() - from) / span * buckets);
            if (b != bucket) {
                flush(out, min, max, gap);
                bucket = b;
                min = null;
                max = null;
                gap = false;
            }
            if (p.gap()) {
                gap = true;
            } else {
                min = min == null || p.value() < min.value() ? p : min;
                max = max == null || p.value() > max.value() ? p : max;
            }
        }
        flush(out, min, max, gap);
        return out;
    }

    private static void flush(List<Point> out, Point min, Point max, boolean gap) {
        if (min != null) {
            if (min == max) {
                out.add(min);
            } else if (min.at() <= max.at()) {
                out.add(min);
                out.add(max);
            } else {
                out.add(max);
                out.add(min);
            }
        }
        if (gap) {
            out.add(new Point(min == null ? 0 : Math.max(min.at(), max.at()), Double.NaN));
        }
    }
}
