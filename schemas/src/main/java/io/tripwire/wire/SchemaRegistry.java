package io.tripwire.wire;

import org.apache.avro.Schema;

/**
 * The part of a Confluent-compatible schema registry that the serde needs. Two implementations:
 * {@link MockSchemaRegistry} ({@code mock://NAME}, in-process) and {@link HttpSchemaRegistry}
 * ({@code http(s)://...}); {@link SchemaRegistries#fromConfig} picks one from
 * {@code schema.registry.url}. Implementations are thread-safe.
 */
public interface SchemaRegistry {

    /**
     * Registers {@code schema} under {@code subject} and returns its id. Idempotent: registering the
     * same schema again gives the same id and no new version.
     *
     * @throws SchemaRegistryException when the registry refuses or cannot be reached
     */
    int register(String subject, Schema schema);

    /**
     * The schema with this id.
     *
     * @throws SchemaRegistryException with {@link SchemaRegistryException#notFound()} true when no
     *                                 schema has this id
     */
    Schema byId(int id);

    /**
     * The latest version of {@code subject}.
     *
     * @throws SchemaRegistryException with {@link SchemaRegistryException#notFound()} true when the
     *                                 subject has no version
     */
    RegisteredSchema latest(String subject);

    /** Where this registry is, for messages: {@code mock://NAME} or the URL(s), never credentials. */
    String location();
}
