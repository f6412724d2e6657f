package io.tripwire.engine.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The number behind one gauge series: written on the stream thread at each observation, read by
 * the scrape. A volatile double is enough: each series has one writer at a time (its tenant's task).
 */
final class GaugeValue {

    private volatile double value = Double.NaN;

    void set(double v) {
        value = v;
    }

    double get() {
        return value;
    }

    /** Registers a gauge reading a new value (NaN until first set). */
    static GaugeValue register(MeterRegistry registry, String name, String baseUnit, String description, Tags tags) {
        GaugeValue v = new GaugeValue();
        Gauge.builder(name, v, GaugeValue::get).baseUnit(baseUnit).description(description).tags(tags)
                .strongReference(true).register(registry);
        return v;
    }
}
