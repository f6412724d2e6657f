package io.tripwire.wire;

import io.tripwire.schemas.RequestLatency;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Lets Avro 1.12.2 load the generated classes of {@code io.tripwire.schemas}. Since 1.12.2 Avro
 * refuses to load a class named by a schema unless it is trusted ({@code SecurityException:
 * Forbidden ... This class is not trusted}); by default only a few {@code java.lang} and
 * {@code java.math} classes are, plus what the system properties
 * {@code org.apache.avro.SERIALIZABLE_PACKAGES} / {@code SERIALIZABLE_CLASSES} name. The check
 * runs when decoding, and also when a generated record holding an enum is copied
 * ({@code RequestLatency.newBuilder(existing)}).
 *
 * <p>{@link #ensure()} composes Avro's current global predicate
 * ({@link ClassSecurityValidator#getGlobal()}) with one that trusts the {@code io.tripwire.schemas}
 * package. It trusts only that package, keeps whatever the application already trusted, and is
 * idempotent. Users never call it: it runs when Avro starts ({@link AvroTrustOnLoad}) and again
 * when any serde, {@code JsonForm}, {@code ActionJson}, signer or verifier class loads. Call it
 * yourself only if your application replaces Avro's global predicate after start-up.
 */
public final class AvroTrust {

    /** The package of the generated records, with the trailing dot. */
    public static final String TRUSTED_PACKAGE = RequestLatency.class.getPackageName() + ".";

    private AvroTrust() {
    }

    /** Makes sure Avro trusts {@code io.tripwire.schemas}; cheap when it already does. */
    public static synchronized void ensure() {
        ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
        if (current.isTrusted(RequestLatency.class)) {
            return;
        }
        ClassSecurityPredicate ours = c -> c.getName().startsWith(TRUSTED_PACKAGE);
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(current, ours));
    }
}
