package io.tripwire.wire;

import org.apache.avro.Schema;

/**
 * One version of a subject in a schema registry.
 *
 * @param subject the subject, e.g. {@code request-latency-value}
 * @param version the subject's version number, from 1
 * @param id      the registry-wide schema id written into every value (bytes 1..4)
 * @param schema  the Avro schema
 */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {
}
