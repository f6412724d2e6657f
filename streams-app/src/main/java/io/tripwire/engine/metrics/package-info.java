/**
 * The engine's Prometheus metrics ({@link io.tripwire.engine.metrics.EngineMetrics}), fed by the
 * {@link io.tripwire.engine.topology.EngineObserver} hook with exactly what the tripwires see.
 * Served by {@code io.tripwire.observability.MetricsServer} on {@code GET /metrics} (default
 * 127.0.0.1:9464). Full reference with examples: {@code docs/metrics.md}.
 *
 * <h2>Gauges (last value observed; NaN before any, or when a latency window is empty)</h2>
 * <ul>
 *   <li>{@code tripwire_latency_p95_seconds}, {@code tripwire_latency_p99_seconds} {tenant, op}:
 *       percentile over the latency window (default 5m) ending at the last evaluated minute boundary;</li>
 *   <li>{@code tripwire_error_budget_remaining} {tenant, service, window="24h"}: after each request;</li>
 *   <li>{@code tripwire_burn_rate} {tenant, service, window ∈ 1h, 5m, 6h, 30m}: after each request,
 *       for the windows the engine keeps (all four with the default rules);</li>
 *   <li>{@code tripwire_compensation_rate}, {@code tripwire_autonomy_rate} {tenant}: ENACT ops, rolling 24h;</li>
 *   <li>{@code tripwire_simulation_delta} {tenant}: COMPENSATED / decided SIMULATE ops, rolling 24h;</li>
 *   <li>{@code tripwire_<signal>} {tenant, series} for each metric-threshold rule, e.g.
 *       {@code tripwire_replica_lag_seconds}: the last sample of each watched series;</li>
 *   <li>{@code tripwire_residency_hold_last_timestamp_seconds} {tenant}: event time of the last REQUIRE_HITL.</li>
 * </ul>
 *
 * <h2>Counters</h2>
 * <ul>
 *   <li>{@code tripwire_actions_total} {tenant, tripwire, action}: every action record, RESOLVED included;</li>
 *   <li>{@code tripwire_hitl_overrides_total} {tenant, tripwire};</li>
 *   <li>{@code tripwire_policy_decisions_total} {tenant, policy, decision, purpose} (purpose "none" when absent);</li>
 *   <li>{@code tripwire_dead_letters_total} {reason}: every known reason registered at 0;</li>
 *   <li>{@code tripwire_tenants_dropped_total}: tenants over the cap, each counted once;</li>
 *   <li>{@code tripwire_label_values_dropped_total} {label}: observations not recorded because a tenant
 *       already had {@value io.tripwire.engine.metrics.EngineMetrics#MAX_VALUES_PER_LABEL} values of that label;</li>
 *   <li>{@code tripwire_processing_latency_skipped_total}: actions not timed (see below).</li>
 * </ul>
 *
 * <h2>Timer</h2>
 * {@code tripwire_processing_latency_seconds} (a histogram: {@code _bucket} from 1 ms to 1 h,
 * {@code _count}, {@code _sum}, and {@code _max}; take p50/p99 with {@code histogram_quantile}):
 * wall clock when an action is emitted minus its {@code firedAt}. For live traffic that is event
 * time to action, including the grace period for percentile tripwires (they fire at a minute
 * boundary once stream time passed it plus the grace). Negative values or values over 1h (replays
 * of old data) are not timed but counted in {@code tripwire_processing_latency_skipped_total}.
 *
 * <h2>Bounded cardinality</h2>
 * Tenant ids come from data. The first {@code max-tenants} tenants (default 1000) get their own
 * series for the life of the process; any later tenant gets none, and is counted once in
 * {@code tripwire_tenants_dropped_total}. The engine's tripwires still evaluate every tenant: the
 * cap is on metric labels only. Within a tenant, each free-form label (service, watched series,
 * policy × decision × purpose, override tripwire, tripwire × action) keeps at most 64 values.
 * No label carries an approval token, a person, a request id or any other event payload.
 */
package io.tripwire.engine.metrics;
