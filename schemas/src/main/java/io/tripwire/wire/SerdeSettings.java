package io.tripwire.wire;

import org.apache.kafka.common.config.ConfigException;

import java.util.Map;

/** The serde settings read from Kafka client configuration; package-private plumbing of the serdes. */
record SerdeSettings(SchemaRegistry registry, boolean autoRegister, Class<?> valueType) {

    /** Confluent's key for the class a specific-record value deserializer reads into. */
    static final String SPECIFIC_VALUE_TYPE = "specific.avro.value.type";
    /** Confluent's key for the class a specific-record key deserializer reads into. */
    static final String SPECIFIC_KEY_TYPE = "specific.avro.key.type";

    /**
     * Reads the settings; {@code given} (a registry handed to a constructor) wins over
     * {@code schema.registry.url}.
     */
    static SerdeSettings from(Map<String, ?> configs, boolean isKey, SchemaRegistry given) {
        SchemaRegistry registry = given != null ? given : SchemaRegistries.fromConfig(configs);
        return new SerdeSettings(registry, bool(configs, SchemaRegistries.AUTO_REGISTER_SCHEMAS, true),
                type(configs, isKey ? SPECIFIC_KEY_TYPE : SPECIFIC_VALUE_TYPE));
    }

    private static boolean bool(Map<String, ?> configs, String key, boolean dflt) {
        Object v = configs.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new ConfigException(key, v, "expected true or false");
    }

    private static Class<?> type(Map<String, ?> configs, String key) {
        Object v = configs.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Class<?> c) {
            return c;
        }
        try {
            return Class.forName(v.toString().trim(), true, Thread.currentThread().getContextClassLoader() != null
                    ? Thread.currentThread().getContextClassLoader() : SerdeSettings.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ConfigException(key, v, "class not found");
        }
    }
}
