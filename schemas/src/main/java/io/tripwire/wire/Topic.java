package io.tripwire.wire;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.util.Objects;

/**
 * A topic bound to its serdes, so no code passes a bare topic name and a serde separately. Keys
 * are tenant ids (strings) on every tripwire topic. Build the topics once from configuration and
 * pass them in:
 * <pre>{@code
 * Topic<RequestLatency> requests = Topic.of(cfg.requestTopic(), AvroSerdes.input(RequestLatency.class, serdeConfig));
 * builder.stream(requests.name(), Consumed.with(requests.keySerde(), requests.valueSerde()));
 * }</pre>
 *
 * @param name       the topic name
 * @param keySerde   the key serde (tenant strings)
 * @param valueSerde the value serde
 * @param <V>        the value type
 */
public record Topic<V>(String name, Serde<String> keySerde, Serde<V> valueSerde) {

    /** Checks that nothing is missing. */
    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        if (name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be blank");
        }
    }

    /** A topic keyed by tenant strings. */
    public static <V> Topic<V> of(String name, Serde<V> valueSerde) {
        return new Topic<>(name, Serdes.String(), valueSerde);
    }
}
