package io.tripwire.engine.rules;

/**
 * The global settings a tripwire mapping inherits when it does not set its own.
 *
 * @param minEvents     a ratio tripwire never fires on fewer events than this in its window
 * @param confidence    confidence of the ratio tripwires' e-value guard, in (0, 1), or NaN for off
 * @param priorStrength prior strength c of that guard's beta-binomial mixture (SPEC 3 "Significance")
 */
public record RuleDefaults(int minEvents, double confidence, double priorStrength) {
}
