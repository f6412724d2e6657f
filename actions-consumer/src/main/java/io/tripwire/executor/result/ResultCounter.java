package io.tripwire.executor.result;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tripwire.schemas.ResultStatus;

import java.util.EnumMap;
import java.util.Map;

/**
 * Counts written results by status: meter {@code tripwire.executor.results} with tag {@code status},
 * scraped by Prometheus as {@code tripwire_executor_results_total{status="EXECUTED"}}. Every status
 * is registered at zero, so a dashboard sees the series before the first rejection.
 */
public final class ResultCounter {

    /** Micrometer meter name. */
    public static final String NAME = "tripwire.executor.results";

    private final Map<ResultStatus, Counter> counters = new EnumMap<>(ResultStatus.class);

    public ResultCounter(MeterRegistry registry) {
        for (ResultStatus s : ResultStatus.values()) {
            counters.put(s, Counter.builder(NAME).tag("status", s.name())
                    .description("Action results written by the executor, by status").register(registry));
        }
    }

    /** Counts one result; call it once the result is committed. */
    public void count(ResultStatus status) {
        counters.get(status).increment();
    }
}
