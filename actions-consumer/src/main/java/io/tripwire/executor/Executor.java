package io.tripwire.executor;

import io.micrometer.core.instrument.MeterRegistry;
import io.tripwire.executor.config.ExecutorConfig;
import io.tripwire.executor.handler.Handlers;
import io.tripwire.executor.ledger.Ledger;
import io.tripwire.executor.ledger.LedgerReader;
import io.tripwire.executor.ledger.LedgerTopic;
import io.tripwire.executor.result.ResultCounter;
import io.tripwire.executor.trust.TrustCheck;
import io.tripwire.schemas.ActionResult;
import io.tripwire.schemas.TripwireAction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The executor: consumes {@code tripwire-actions} (read_committed) in one consumer group, and for
 * each record verifies, deduplicates against the ledger, runs the configured handler and records the
 * outcome (see {@link Recorder}). The ledger topic is read to its end before the first action is
 * consumed. Guarantees are described in the module README.
 *
 * <p>Lifecycle: {@link #start()} runs the loop on its own thread; {@link #close()} lets the action in
 * hand finish, records it, commits and stops; {@link #haltAbruptly()} stops like a crash (for tests).
 */
public final class Executor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Executor.class);

    private final ExecutorConfig config;
    private final Deserializer<TripwireAction> actions;
    private final Serializer<ActionResult> results;
    private final MeterRegistry registry;
    private final Ledger ledger = new Ledger();
    private final CountDownLatch running = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile boolean halted;
    private volatile Throwable failure;
    private volatile Thread thread;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private final java.util.List<io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics> clientMetrics =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile int assignedPartitions;

    /**
     * @param actions reads action values (Avro or JSON per record), configured
     * @param results writes result values in the configured format, configured
     * @param registry where {@code tripwire.executor.results} is counted
     */
    public Executor(ExecutorConfig config, Deserializer<TripwireAction> actions, Serializer<ActionResult> results,
                    MeterRegistry registry) {
        this.config = config;
        this.actions = actions;
        this.results = results;
        this.registry = registry;
    }

    /** An executor with the serdes its wire settings name ({@link ExecutorSerdes}). */
    public static Executor create(ExecutorConfig config, MeterRegistry registry) {
        return new Executor(config, ExecutorSerdes.actions(config.wire()), ExecutorSerdes.results(config.wire()), registry);
    }

    /** Starts the polling thread and returns. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(this::runLoop, "tripwire-executor");
        thread.start();
    }

    /** Waits until the ledger is restored and the consumer subscribed; false on timeout or failure. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && failure == null;
    }

    /** Waits until the loop has ended. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the consume loop runs: ledger restored, subscribed, and not stopping, stopped or failed. */
    public boolean isRunning() {
        return running.getCount() == 0 && stopped.getCount() > 0 && !stopping && failure == null;
    }

    /** Partitions of the action topic assigned to this instance now (0 before the first assignment and once stopped). */
    public int assignedPartitions() {
        return assignedPartitions;
    }

    /** Why the loop ended, when it ended on an error. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Graceful stop: the action in hand finishes (with its retries), its result is written and the
     * transaction committed; then the clients close. Waits up to the worst case of one action plus a minute.
     */
    @Override
    public void close() {
        stopping = true;
        if (thread == null) {
            return;
        }
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        awaitQuietly(config.worstCasePerAction().plusMinutes(1));
    }

    /**
     * Stops as a crash would, for tests: the action in hand is abandoned (a running command is
     * killed), nothing more is written or committed, and the open transaction is left to be aborted
     * by the next instance with the same transactional id.
     */
    public void haltAbruptly() {
        halted = true;
        stopping = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
        awaitQuietly(Duration.ofSeconds(30));
    }

    /** A JVM shutdown hook that closes this executor gracefully (SIGTERM). */
    public Thread shutdownHook() {
        return new Thread(this::close, "tripwire-executor-shutdown");
    }

    private void awaitQuietly(Duration timeout) {
        try {
            if (!stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("executor did not stop within {}", timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runLoop() {
        KafkaClients clients = new KafkaClients(config);
        KafkaProducer<byte[], byte[]> producer = null;
        LedgerReader ledgerReader = null;
        try {
            try (Admin admin = clients.admin()) {
                LedgerTopic.ensure(admin, config.topics().ledger());
            }
            producer = clients.producer();
            // first, so the transaction a crashed predecessor left open is aborted before the ledger is read
            producer.initTransactions();
            ledgerReader = new LedgerReader(clients.ledgerConsumer(), config.topics().ledger(), ledger);
            long read = ledgerReader.restore(PollLoop.LEDGER_READ_TIMEOUT);
            LOG.info("ledger restored: {} records read, {} actions known, {} unreadable", read, ledger.size(), ledger.unreadable());
            consumer = clients.actionConsumer();
            bindClientMetrics(consumer, producer);
            Recorder recorder = new Recorder(producer, consumer, config.topics(), results, ledger,
                    new ResultCounter(registry), Clock.systemUTC(), !config.dryRun());
            ActionProcessor processor = new ActionProcessor(
                    TrustCheck.fromKeyFiles(config.publicKeyFiles(), config.handlers().keySet()),
                    Handlers.from(config, new SecureRandom()), ledger, config.dryRun());
            PollLoop loop = new PollLoop(consumer, actions, recorder, processor, ledgerReader, ledger, () -> stopping,
                    n -> assignedPartitions = n);
            loop.subscribe(config.topics().actions());
            running.countDown();
            LOG.info("executor consuming {} as group {} (transactional id {}); one action takes at most {}, "
                            + "so a graceful stop may take that long{}", config.topics().actions(), config.kafka().groupId(),
                    config.kafka().transactionalId(), config.worstCasePerAction(),
                    config.dryRun() ? "; DRY-RUN mode: nothing will be run" : "");
            loop.run();
        } catch (InterruptedException | InterruptException e) {
            if (!halted) {
                failure = e;
            }
        } catch (WakeupException e) {
            // close() during start-up: nothing in hand
        } catch (Throwable t) {
            if (!halted) {
                failure = t;
                LOG.error("executor stopped on an error; what was not committed will be consumed again", t);
            }
        } finally {
            assignedPartitions = 0;
            closeClients(producer, ledgerReader);
            running.countDown();
            stopped.countDown();
        }
    }

    /** Kafka client metrics (fetch lag, request rates, ...) through Micrometer's Kafka binder. */
    private void bindClientMetrics(KafkaConsumer<byte[], byte[]> c, KafkaProducer<byte[], byte[]> p) {
        for (var m : java.util.List.of(new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(c),
                new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(p))) {
            m.bindTo(registry);
            clientMetrics.add(m);
        }
    }

    private void closeClients(KafkaProducer<byte[], byte[]> producer, LedgerReader ledgerReader) {
        clientMetrics.forEach(io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics::close);
        clientMetrics.clear();
        boolean interrupted = Thread.interrupted(); // clients refuse to close on an interrupted thread
        Duration grace = halted ? Duration.ZERO : Duration.ofSeconds(30);
        closeQuietly(consumer == null ? null : () -> consumer.close());
        closeQuietly(ledgerReader == null ? null : ledgerReader::close);
        closeQuietly(producer == null ? null : () -> producer.close(grace));
        if (interrupted && !halted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Runnable close) {
        if (close == null) {
            return;
        }
        try {
            close.run();
        } catch (RuntimeException e) {
            LOG.warn("closing a Kafka client failed: {}", e.toString());
        }
    }
}
