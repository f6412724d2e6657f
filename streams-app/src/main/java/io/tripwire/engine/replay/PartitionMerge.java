package io.tripwire.engine.replay;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * The k-way merge behind streaming topic replay: each input partition's events, in offset order,
 * come out in the order a read-and-sort replay gives them (the {@code order} it sorts by), as soon
 * as that order is certain, i.e. when every partition not yet read to its end has an event
 * buffered. That holds while each partition is in that order on its own (for topic replay: in
 * {@code ts} order, as records stamped with their event time are); {@link #add} says when a
 * partition is not, and the caller then falls back to reading everything and sorting it.
 *
 * @param <E> what is merged (an event with where it came from)
 */
final class PartitionMerge<E> {

    private static final class Buffer<E> {
        final ArrayDeque<E> events = new ArrayDeque<>();
        E last;
        boolean open = true;
    }

    private final Comparator<? super E> order;
    private final Map<Long, Buffer<E>> buffers = new HashMap<>();
    /** Partitions not read to their end whose buffer is empty: while there is one, nothing can come out. */
    private int emptyOpen;
    private int buffered;

    /** @param order the order of a read-and-sort replay, which the merge gives */
    PartitionMerge(Comparator<? super E> order) {
        this.order = order;
    }

    private static long id(int topic, int partition) {
        return ((long) topic << 32) | (partition & 0xffffffffL);
    }

    /** A partition to merge, not yet read to its end. Every partition must be added before the first {@link #poll}. */
    void partition(int topic, int partition) {
        if (buffers.putIfAbsent(id(topic, partition), new Buffer<>()) == null) {
            emptyOpen++;
        }
    }

    /**
     * The next event of a partition. False, and nothing added, when it comes before the previous
     * event of the same partition in {@code order}: the merge cannot give the sorted order any more.
     */
    boolean add(int topic, int partition, E event) {
        Buffer<E> b = buffer(topic, partition);
        if (b.last != null && order.compare(event, b.last) < 0) {
            return false;
        }
        b.last = event;
        if (b.events.isEmpty() && b.open) {
            emptyOpen--;
        }
        b.events.add(event);
        buffered++;
        return true;
    }

    /** The partition is read to its end: it no longer holds the others back. */
    void finish(int topic, int partition) {
        Buffer<E> b = buffer(topic, partition);
        if (b.open) {
            b.open = false;
            if (b.events.isEmpty()) {
                emptyOpen--;
            }
        }
    }

    /** The next event in sorted order, or null when none is certain yet (or none is left). */
    E poll() {
        if (emptyOpen > 0 || buffered == 0) {
            return null;
        }
        Buffer<E> first = null;
        for (Buffer<E> b : buffers.values()) {
            E head = b.events.peekFirst();
            if (head != null && (first == null || order.compare(head, first.events.peekFirst()) < 0)) {
                first = b;
            }
        }
        E e = first.events.pollFirst();
        buffered--;
        if (first.events.isEmpty() && first.open) {
            emptyOpen++;
        }
        return e;
    }

    /** Events buffered for one partition (for back-pressure: a full partition is paused). */
    int buffered(int topic, int partition) {
        return buffer(topic, partition).events.size();
    }

    /** Events buffered in all. */
    int buffered() {
        return buffered;
    }

    private Buffer<E> buffer(int topic, int partition) {
        Buffer<E> b = buffers.get(id(topic, partition));
        if (b == null) {
            throw new IllegalArgumentException("not a partition of this merge: topic " + topic + " partition " + partition);
        }
        return b;
    }
}
