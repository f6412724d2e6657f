package io.tripwire.executor.ledger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The executor's memory of what it has run: the {@code action-ledger} topic folded into a map by
 * actionId. Entries written in the open Kafka transaction are staged, and become part of the ledger
 * only when that transaction commits (or vanish when it aborts), exactly like the topic itself.
 * Used from the executor's one polling thread only.
 */
public final class Ledger {

    private static final Logger LOG = LoggerFactory.getLogger(Ledger.class);

    private final Map<String, LedgerEntry> committed = new HashMap<>();
    private final Map<String, LedgerEntry> staged = new HashMap<>();
    private long unreadable;

    /** Whether {@code actionId} was executed, in a committed or the open transaction. */
    public boolean executed(String actionId) {
        LedgerEntry s = staged.get(actionId);
        if (s != null && s.executed()) {
            return true;
        }
        LedgerEntry c = committed.get(actionId);
        return c != null && c.executed();
    }

    /** The latest entry of an action, staged or committed. */
    public Optional<LedgerEntry> entry(String actionId) {
        LedgerEntry s = staged.get(actionId);
        return Optional.ofNullable(s != null ? s : committed.get(actionId));
    }

    /** Notes an entry written in the open transaction. */
    public void stage(String actionId, LedgerEntry entry) {
        staged.put(actionId, entry);
    }

    /** The open transaction committed. */
    public void commitStaged() {
        committed.putAll(staged);
        staged.clear();
    }

    /** The open transaction aborted. */
    public void discardStaged() {
        staged.clear();
    }

    /**
     * Folds in one record read from the topic: a later record for the same key replaces the earlier
     * one, a tombstone removes it, an unreadable value is logged and skipped.
     *
     * @return whether the record was understood
     */
    public boolean apply(byte[] key, byte[] value) {
        if (key == null) {
            unreadable++;
            LOG.warn("ledger record without a key skipped");
            return false;
        }
        String actionId = new String(key, StandardCharsets.UTF_8);
        if (value == null) {
            committed.remove(actionId);
            return true;
        }
        try {
            LedgerEntry e = LedgerEntry.parse(value);
            LedgerEntry previous = committed.get(actionId);
            // an EXECUTED entry is never downgraded: the side effect happened
            if (previous == null || !previous.executed() || e.executed()) {
                committed.put(actionId, e);
            }
            return true;
        } catch (IllegalArgumentException e) {
            unreadable++;
            LOG.warn("ledger record for {} skipped: {}", actionId, e.getMessage());
            return false;
        }
    }

    /** Committed entries held. */
    public int size() {
        return committed.size();
    }

    /** Records skipped as unreadable so far. */
    public long unreadable() {
        return unreadable;
    }
}
