package io.tripwire.executor;

import io.tripwire.executor.config.TopicNames;
import io.tripwire.executor.deadletter.DeadLetters;
import io.tripwire.executor.ledger.Ledger;
import io.tripwire.executor.ledger.LedgerEntry;
import io.tripwire.executor.result.ActionResults;
import io.tripwire.executor.result.Outcome;
import io.tripwire.executor.result.ResultCounter;
import io.tripwire.schemas.ActionResult;
import io.tripwire.schemas.ResultStatus;
import io.tripwire.schemas.TripwireAction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes outcomes: the result, the ledger entry (EXECUTED and FAILED only) and the dead letter
 * (REJECTED and FAILED) of each record go into one Kafka transaction together with the consumer
 * offsets ({@code sendOffsetsToTransaction}), so they become visible, and the offset moves, all
 * together or not at all. Metrics and the in-memory ledger follow the commit. A dry run writes
 * results only: its rejections are the production executor's to dead-letter.
 */
final class Recorder {

    private final Producer<byte[], byte[]> producer;
    private final Consumer<byte[], byte[]> consumer;
    private final TopicNames topics;
    private final Serializer<ActionResult> results;
    private final DeadLetters deadLetters;
    private final Ledger ledger;
    private final ResultCounter counter;
    private final Clock clock;
    private final boolean deadLettering;
    private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    private final List<ResultStatus> uncounted = new ArrayList<>();
    private boolean open;

    Recorder(Producer<byte[], byte[]> producer, Consumer<byte[], byte[]> consumer, TopicNames topics,
             Serializer<ActionResult> results, Ledger ledger, ResultCounter counter, Clock clock,
             boolean deadLettering) {
        this.producer = producer;
        this.consumer = consumer;
        this.topics = topics;
        this.results = results;
        this.deadLetters = new DeadLetters(topics.deadLetter());
        this.ledger = ledger;
        this.counter = counter;
        this.clock = clock;
        this.deadLettering = deadLettering;
    }

    /** Writes the outcome of {@code source}; {@code action} is null when the record could not be decoded. */
    void record(ConsumerRecord<byte[], byte[]> source, TripwireAction action, Outcome outcome) {
        begin();
        var at = clock.instant();
        ActionResult result = action == null
                ? ActionResults.ofUndecodable(source.key(), outcome, at)
                : ActionResults.of(action, outcome, at);
        byte[] tenant = result.getTenant().getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(topics.results(), tenant, results.serialize(topics.results(), result)));
        if (outcome.ledgered()) {
            LedgerEntry entry = new LedgerEntry(outcome.status().name(), at, outcome.attempts(), outcome.handler());
            byte[] key = action.getActionId().getBytes(StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>(topics.ledger(), key, entry.toBytes()));
            ledger.stage(action.getActionId(), entry);
        }
        if (outcome.deadLettered() && deadLettering) {
            producer.send(deadLetters.of(source, outcome.deadLetterReason(), outcome.deadLetterCause()));
        }
        uncounted.add(outcome.status());
        advance(source);
    }

    /** Moves the offset past a record that needs no output (a tombstone). */
    void advance(ConsumerRecord<byte[], byte[]> source) {
        begin();
        offsets.put(new TopicPartition(source.topic(), source.partition()), new OffsetAndMetadata(source.offset() + 1));
    }

    /** Commits the open transaction, if any. On failure it is aborted and the error rethrown. */
    void commit() {
        if (!open) {
            return;
        }
        try {
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
        } catch (ProducerFencedException e) {
            ledger.discardStaged();
            throw e; // another instance with our transactional.id took over: nothing may be aborted
        } catch (KafkaException e) {
            ledger.discardStaged();
            try {
                producer.abortTransaction();
            } catch (KafkaException ignored) {
                // the producer is unusable; the executor stops and its restart recovers
            }
            throw e;
        } finally {
            open = false;
            offsets.clear();
        }
        ledger.commitStaged();
        uncounted.forEach(counter::count);
        uncounted.clear();
    }

    private void begin() {
        if (!open) {
            producer.beginTransaction();
            open = true;
            uncounted.clear();
        }
    }
}
