package io.tripwire.wire;

import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-process schema registry, selected by {@code schema.registry.url=mock://NAME}. Every serde
 * in the JVM that names the same NAME shares one instance, so a producer and a consumer in the same
 * test (or the embedded engine and its CLI) see the same ids. Ids are registry-wide and start at 1;
 * the same schema under two subjects keeps one id, as in Confluent's registry. Thread-safe.
 */
public final class MockSchemaRegistry implements SchemaRegistry {

    private static final Map<String, MockSchemaRegistry> BY_NAME = new ConcurrentHashMap<>();

    private final String name;
    private final Map<Schema, Integer> idBySchema = new HashMap<>();
    private final Map<Integer, Schema> schemaById = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();

    private MockSchemaRegistry(String name) {
        this.name = name;
    }

    /** The registry called {@code name}, created on first use. */
    public static MockSchemaRegistry forName(String name) {
        return BY_NAME.computeIfAbsent(name, MockSchemaRegistry::new);
    }

    /** Forgets the registry called {@code name}; the next {@link #forName} starts empty. For tests. */
    public static void drop(String name) {
        BY_NAME.remove(name);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        Integer id = idBySchema.get(schema);
        if (id == null) {
            id = schemaById.size() + 1;
            idBySchema.put(schema, id);
            schemaById.put(id, schema);
        }
        List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        return id;
    }

    @Override
    public synchronized Schema byId(int id) {
        Schema schema = schemaById.get(id);
        if (schema == null) {
            throw new SchemaRegistryException(404, 40403, location() + ": schema id " + id + " not found");
        }
        return schema;
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new SchemaRegistryException(404, 40401, location() + ": subject '" + subject + "' not found");
        }
        int id = versions.get(versions.size() - 1);
        return new RegisteredSchema(subject, versions.size(), id, schemaById.get(id));
    }

    @Override
    public String location() {
        return SchemaRegistries.MOCK_SCHEME + name;
    }

    @Override
    public String toString() {
        return "MockSchemaRegistry[" + location() + "]";
    }
}
