package io.tripwire.executor;

import io.tripwire.executor.ledger.Ledger;
import io.tripwire.executor.ledger.LedgerReader;
import io.tripwire.executor.result.Outcome;
import io.tripwire.executor.trust.Rejection;
import io.tripwire.schemas.TripwireAction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * The executor's consume loop: poll, decide and record each record in offset order, commit after
 * every batch. A side-effecting handler runs only when nothing else is uncommitted, and its outcome
 * is committed right after, so at most one executed action is ever unrecorded.
 */
final class PollLoop {

    private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);
    static final Duration LEDGER_READ_TIMEOUT = Duration.ofMinutes(2);

    private final Consumer<byte[], byte[]> consumer;
    private final Deserializer<TripwireAction> actions;
    private final Recorder recorder;
    private final ActionProcessor processor;
    private final LedgerReader ledgerReader;
    private final Ledger ledger;
    private final BooleanSupplier stopping;
    private final IntConsumer assignedCount;

    /** @param assignedCount told the number of assigned partitions after every rebalance (for readiness) */
    PollLoop(Consumer<byte[], byte[]> consumer, Deserializer<TripwireAction> actions, Recorder recorder,
             ActionProcessor processor, LedgerReader ledgerReader, Ledger ledger, BooleanSupplier stopping,
             IntConsumer assignedCount) {
        this.consumer = consumer;
        this.actions = actions;
        this.recorder = recorder;
        this.processor = processor;
        this.ledgerReader = ledgerReader;
        this.ledger = ledger;
        this.stopping = stopping;
        this.assignedCount = assignedCount;
    }

    /** Subscribes; the ledger is caught up whenever partitions are assigned. */
    void subscribe(String topic) {
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            // kept here rather than read from consumer.assignment(): callbacks may be incremental
            private final Set<TopicPartition> assigned = new HashSet<>();

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // nothing open: every batch is committed before the next poll (lost partitions come here too)
                assigned.removeAll(partitions);
                assignedCount.accept(assigned.size());
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty()) {
                    // the previous owner committed its ledger entries before it gave the partitions up
                    long read = ledgerReader.catchUp(LEDGER_READ_TIMEOUT);
                    LOG.info("assigned {}; ledger caught up ({} new records, {} actions known)", partitions, read, ledger.size());
                }
                assigned.addAll(partitions);
                assignedCount.accept(assigned.size());
            }
        });
    }

    /** Runs until {@code stopping} turns true or the consumer is woken up; then commits what was done. */
    void run() throws InterruptedException {
        while (!stopping.getAsBoolean()) {
            ConsumerRecords<byte[], byte[]> batch;
            try {
                batch = consumer.poll(Duration.ofMillis(200));
            } catch (WakeupException e) {
                break;
            }
            for (ConsumerRecord<byte[], byte[]> record : batch) {
                if (stopping.getAsBoolean()) {
                    break; // the rest of the batch stays uncommitted: the next owner consumes it
                }
                handle(record);
            }
            recorder.commit();
        }
        recorder.commit();
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) throws InterruptedException {
        TripwireAction action;
        try {
            action = actions.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            Rejection r = new Rejection(UndecodableReason.of(e), "cannot decode the action record: " + e.getMessage());
            recorder.record(record, null, Outcome.rejected(r, e));
            return;
        }
        if (action == null) {
            recorder.advance(record); // a tombstone carries no action
            return;
        }
        ActionProcessor.Decision decision = processor.decide(action);
        if (decision instanceof ActionProcessor.Run run && run.handler().sideEffecting()) {
            recorder.commit(); // so the action in hand is the only side effect not yet recorded
            // and see what other instances, or another group on the same topic, committed meanwhile
            ledgerReader.catchUp(LEDGER_READ_TIMEOUT);
            decision = processor.decide(action);
        }
        if (decision instanceof ActionProcessor.Settled settled) {
            recorder.record(record, action, settled.outcome());
            return;
        }
        ActionProcessor.Run run = (ActionProcessor.Run) decision;
        Outcome outcome = processor.run(action, run.handler());
        recorder.record(record, action, outcome);
        if (outcome.ranSideEffect()) {
            recorder.commit();
        }
        LOG.debug("{} {} for {}: {}", outcome.status(), action.getAction(), action.getActionId(), outcome.detail());
    }
}
