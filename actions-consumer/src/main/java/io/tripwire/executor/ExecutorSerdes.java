package io.tripwire.executor;

import io.tripwire.executor.config.WireSettings;
import io.tripwire.json.JsonForm;
import io.tripwire.schemas.ActionResult;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.wire.AvroSerializer;
import io.tripwire.wire.InputDeserializer;
import io.tripwire.wire.SchemaRegistries;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Value serdes of the executor's topics, from its wire settings: actions are read as Avro or JSON,
 * decided per record (a value starting with '{' is JSON); results are written in the configured format.
 */
public final class ExecutorSerdes {

    private ExecutorSerdes() {
    }

    /** The Confluent-style client configuration of the serdes. */
    public static Map<String, Object> configs(WireSettings wire) {
        Map<String, Object> c = new HashMap<>();
        c.put(SchemaRegistries.SCHEMA_REGISTRY_URL, wire.schemaRegistryUrl());
        c.put(SchemaRegistries.AUTO_REGISTER_SCHEMAS, wire.autoRegisterSchemas());
        if (!wire.basicAuthUserInfo().isEmpty()) {
            c.put(SchemaRegistries.BASIC_AUTH_USER_INFO, wire.basicAuthUserInfo());
        }
        return c;
    }

    /** Reads action values, Avro or JSON per record. */
    public static Deserializer<TripwireAction> actions(WireSettings wire) {
        InputDeserializer<TripwireAction> d = new InputDeserializer<>(TripwireAction.class);
        d.configure(configs(wire), false);
        return d;
    }

    /** Writes result values in the configured format. */
    public static Serializer<ActionResult> results(WireSettings wire) {
        if (wire.format() == WireSettings.Format.JSON) {
            return (topic, result) -> result == null ? null : JsonForm.write(result).getBytes(StandardCharsets.UTF_8);
        }
        AvroSerializer<ActionResult> s = new AvroSerializer<>();
        s.configure(configs(wire), false);
        return s;
    }
}
