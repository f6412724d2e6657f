package io.tripwire.executor.config;

/**
 * Value format of the executor's topics. Action records are read in either format whatever this
 * says (a value starting with '{' is JSON); results are written in {@code format}.
 *
 * @param format {@code AVRO} (Confluent wire format, the default) or {@code JSON}
 * @param schemaRegistryUrl {@code mock://NAME} or an http(s) URL
 * @param autoRegisterSchemas whether the result serializer registers its schema
 * @param basicAuthUserInfo {@code user:password} for the registry, or empty
 */
public record WireSettings(Format format, String schemaRegistryUrl, boolean autoRegisterSchemas,
                           String basicAuthUserInfo) {

    /** Value format. */
    public enum Format { AVRO, JSON }
}
