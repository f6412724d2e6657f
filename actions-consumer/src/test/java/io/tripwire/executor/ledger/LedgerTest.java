package io.tripwire.executor.ledger;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class LedgerTest {

    private static final Instant AT = Instant.parse("2025-10-06T11:07:01.250Z");

    private static byte[] key(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] entry(String status) {
        return new LedgerEntry(status, AT, 2, "command").toBytes();
    }

    @Test
    void entriesAreSmallCanonicalJsonThatReadsBack() {
        LedgerEntry e = new LedgerEntry("EXECUTED", AT, 2, "command");

        assertThat(new String(e.toBytes(), StandardCharsets.UTF_8))
                .isEqualTo("{\"at\":\"2025-10-06T11:07:01.250Z\",\"attempts\":2,\"handler\":\"command\",\"status\":\"EXECUTED\"}");
        assertThat(LedgerEntry.parse(e.toBytes())).isEqualTo(e);
    }

    @Test
    void restoringKnowsEveryExecutedActionAndNotFailedOnes() {
        Ledger ledger = new Ledger();

        ledger.apply(key("a"), entry("EXECUTED"));
        ledger.apply(key("b"), entry("FAILED"));

        assertThat(ledger.executed("a")).isTrue();
        assertThat(ledger.executed("b")).isFalse();
        assertThat(ledger.entry("b")).map(LedgerEntry::status).contains("FAILED");
        assertThat(ledger.executed("c")).isFalse();
        assertThat(ledger.size()).isEqualTo(2);
    }

    @Test
    void aLaterRecordReplacesAnEarlierOneButNeverUndoesAnExecution() {
        Ledger ledger = new Ledger();

        ledger.apply(key("a"), entry("FAILED"));
        ledger.apply(key("a"), entry("EXECUTED"));
        ledger.apply(key("a"), entry("FAILED"));

        assertThat(ledger.executed("a")).isTrue();
    }

    @Test
    void aTombstoneForgetsTheAction() {
        Ledger ledger = new Ledger();
        ledger.apply(key("a"), entry("EXECUTED"));

        ledger.apply(key("a"), null);

        assertThat(ledger.executed("a")).isFalse();
        assertThat(ledger.size()).isZero();
    }

    @Test
    void unreadableRecordsAreSkippedAndCounted() {
        Ledger ledger = new Ledger();

        assertThat(ledger.apply(key("a"), "not json".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(ledger.apply(key("b"), "{\"status\":1}".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(ledger.apply(null, entry("EXECUTED"))).isFalse();
        assertThat(ledger.apply(key("c"), entry("EXECUTED"))).isTrue();

        assertThat(ledger.unreadable()).isEqualTo(3);
        assertThat(ledger.size()).isEqualTo(1);
        assertThat(ledger.executed("c")).isTrue();
    }

    @Test
    void stagedEntriesCountAtOnceAndVanishWhenTheTransactionAborts() {
        Ledger ledger = new Ledger();

        ledger.stage("a", new LedgerEntry("EXECUTED", AT, 1, "log"));
        assertThat(ledger.executed("a")).isTrue();
        assertThat(ledger.size()).isZero();
        ledger.discardStaged();
        assertThat(ledger.executed("a")).isFalse();

        ledger.stage("b", new LedgerEntry("EXECUTED", AT, 1, "log"));
        ledger.commitStaged();
        assertThat(ledger.executed("b")).isTrue();
        assertThat(ledger.size()).isEqualTo(1);
    }
}
