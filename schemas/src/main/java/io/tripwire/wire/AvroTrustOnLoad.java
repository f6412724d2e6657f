package io.tripwire.wire;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * Runs {@link AvroTrust#ensure()} as soon as Avro starts, before any code can copy a generated
 * record. Avro loads every {@link LogicalTypes.LogicalTypeFactory} listed in
 * {@code META-INF/services} when its {@code LogicalTypes} class initialises, which happens when the
 * first schema is parsed (a generated class parses its own schema when it loads). This factory is
 * listed there only for that side effect: the logical type it names, {@code tripwire-avro-trust},
 * is used by no schema. Not for direct use.
 *
 * <p>A shaded (fat) jar must merge service files (maven-shade-plugin's
 * {@code ServicesResourceTransformer}), or this hook is lost; the serde and JSON classes call
 * {@link AvroTrust#ensure()} themselves as well.
 */
public final class AvroTrustOnLoad implements LogicalTypes.LogicalTypeFactory {

    /** Called by {@link java.util.ServiceLoader}; installs the trust. */
    public AvroTrustOnLoad() {
        AvroTrust.ensure();
    }

    @Override
    public String getTypeName() {
        return "tripwire-avro-trust";
    }

    @Override
    public LogicalType fromSchema(Schema schema) {
        return new LogicalType(getTypeName());
    }
}
