package io.tripwire.engine.tripwires;

import java.util.Map;

/**
 * What a tripwire found at an evaluation: the human reason, the numbers that decided (evidence),
 * and parameters it adds to its actions (e.g. {@code ABORT_OP -> {opId: ...}}).
 */
public record Finding(String reason, Map<String, Object> evidence, Map<String, Map<String, String>> params) {

    public Finding(String reason, Map<String, Object> evidence) {
        this(reason, evidence, Map.of());
    }
}
