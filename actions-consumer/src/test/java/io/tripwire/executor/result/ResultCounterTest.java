package io.tripwire.executor.result;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tripwire.schemas.ResultStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ResultCounterTest {

    @Test
    void countsResultsByStatusAsPrometheusSeesThem() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ResultCounter counter = new ResultCounter(registry);

        counter.count(ResultStatus.EXECUTED);
        counter.count(ResultStatus.EXECUTED);
        counter.count(ResultStatus.REJECTED);

        String scrape = registry.scrape();
        assertThat(scrape).contains("tripwire_executor_results_total{status=\"EXECUTED\"} 2.0");
        assertThat(scrape).contains("tripwire_executor_results_total{status=\"REJECTED\"} 1.0");
        assertThat(scrape).contains("tripwire_executor_results_total{status=\"DRY_RUN\"} 0.0");
    }
}
