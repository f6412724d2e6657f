package io.tripwire.executor.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tripwire.executor.Executor;
import io.tripwire.observability.Health;
import io.tripwire.observability.MetricsServer;

import java.io.IOException;
import java.util.Optional;

/**
 * The executor's {@code GET /metrics} and {@code GET /health} (default 127.0.0.1:9465), on the
 * shared {@link MetricsServer}. Healthy means ready to execute actions: the consume loop runs (the
 * ledger is restored) and at least one partition of the action topic is assigned. So an instance
 * idle in a group with more members than partitions answers 503: probe liveness with
 * {@code /metrics}, readiness with {@code /health}.
 */
public final class ExecutorEndpoints {

    private ExecutorEndpoints() {
    }

    /**
     * Serves {@code registry} (pass the one given to {@link Executor#create}, so
     * {@code tripwire_executor_results_total} is on it) and the health of {@code executor}. May be
     * started before the executor: health is 503 until it is running and assigned.
     */
    public static MetricsServer start(String host, int port, PrometheusMeterRegistry registry, Executor executor) throws IOException {
        return MetricsServer.start(host, port, registry, () -> health(executor));
    }

    /** The executor's health now. */
    public static Health health(Executor executor) {
        return health(executor.isRunning(), executor.assignedPartitions(), executor.failure());
    }

    static Health health(boolean running, int assignedPartitions, Optional<Throwable> failure) {
        if (failure.isPresent()) {
            // the class only: messages may name hosts or principals
            return Health.down("stopped on an error: " + failure.get().getClass().getSimpleName());
        }
        if (!running) {
            return Health.down("not running");
        }
        if (assignedPartitions == 0) {
            return Health.down("running, no partitions of the action topic assigned");
        }
        return Health.up(assignedPartitions + (assignedPartitions == 1 ? " partition" : " partitions") + " assigned");
    }
}
