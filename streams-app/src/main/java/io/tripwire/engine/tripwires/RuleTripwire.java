package io.tripwire.engine.tripwires;

/**
 * What every tripwire kind has: its rule and the signal type it is evaluated on. A kind extends
 * this and adds only its condition, evidence and reason.
 *
 * @param <R> the kind's rule record
 * @param <S> the signal it is evaluated on
 */
abstract class RuleTripwire<R extends KindRule, S> implements Tripwire<S> {

    protected final R rule;
    private final Class<S> input;

    RuleTripwire(R rule, Class<S> input) {
        this.rule = rule;
        this.input = input;
    }

    @Override
    public R rule() {
        return rule;
    }

    @Override
    public Class<S> input() {
        return input;
    }
}
