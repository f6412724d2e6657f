package io.tripwire.wire;

import io.tripwire.schemas.RequestLatency;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Lets Avro 1.12.2 decode the generated classes of {@code io.tripwire.schemas}. Since 1.12.2 Avro
 * refuses to load a class named by a schema unless it is trusted ({@code SecurityException:
 * Forbidden ... This class is not trusted}); by default only a few {@code java.lang} and
 * {@code java.math} classes are, plus what the system properties
 * {@code org.apache.avro.SERIALIZABLE_PACKAGES} / {@code SERIALIZABLE_CLASSES} name.
 *
 * <p>{@link #ensure()} composes Avro's current global predicate with one that trusts the
 * {@code io.tripwire.schemas} package, so users of the serde never set anything. It trusts only that
 * package, keeps whatever the application already trusted, and is idempotent: it does nothing when
 * our classes are already trusted (also when another part of the application replaced the global
 * predicate after us, it adds our package again on the next call).
 */
public final class AvroTrust {

    /** The package of the generated records, with the trailing dot. */
    public static final String TRUSTED_PACKAGE = RequestLatency.class.getPackageName() + ".";

    private AvroTrust() {
    }

    /** Makes sure Avro trusts {@code io.tripwire.schemas}; cheap, call it before every decode setup. */
    public static synchronized void ensure() {
        ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
        if (current.isTrusted(RequestLatency.class)) {
            return;
        }
        ClassSecurityPredicate ours = c -> c.getName().startsWith(TRUSTED_PACKAGE);
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(current, ours));
    }
}
