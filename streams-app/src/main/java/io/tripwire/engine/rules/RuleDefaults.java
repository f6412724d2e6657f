package io.tripwire.engine.rules;

/**
 * The global settings a tripwire mapping inherits when it does not set its own.
 *
 * @param minEvents  a ratio tripwire never fires on fewer events than this in its window
 * @param confidence confidence of the ratio tripwires' binomial guard, in (0, 1), or NaN for off
 */
public record RuleDefaults(int minEvents, double confidence) {
}
