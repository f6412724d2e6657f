/**
 * What an incident reviewer reads after a replay (SPEC section 5): {@code report.html}
 * ({@link io.tripwire.engine.report.ReportWriter}) and, for a what-if with two rule sets,
 * {@code compare.md} ({@link io.tripwire.engine.report.CompareReport}).
 *
 * <p>Choices the spec leaves open, written down here:
 * <ul>
 *   <li>The page fetches nothing: inline CSS, inline SVG, system fonts, links only to anchors in
 *   the page, no script. It reads the same with scripts off and when saved into an evidence bundle.</li>
 *   <li>A chart per tenant, signal and scope; a tripwire's threshold is drawn on the chart of the
 *   signal it watches (read-latency on p95 READ, burn-rate-fast and burn-rate-slow both on the 1h
 *   burn rate, labelled with the windows they really use). An action is marked on the chart of its
 *   tripwire and scope; actions of tripwires with no signal (policy denies, ramp freeze, ingest
 *   errors) go on the tenant's events strip, one lane per tripwire. Every action is marked once.</li>
 *   <li>The canary judgement (SPEC 3): a chart per canary key (canary-errors per service,
 *   canary-latency per op) of its e_worse on a log axis cut to 10⁻² .. 10⁶ (values beyond sit on
 *   the frame; e runs to 1e300 and overflows), its rule's level 1/(1 − confidence) dashed, the
 *   line broken at each stage. The stages are drawn as vertical lines labelled with their step:
 *   the page is written from actions and signals, so they come from the canary records' evidence
 *   (stageStart, stepPercent), their RESOLVED at a step, and series that restart at 1.</li>
 *   <li>Colours: corrective actions (they change the system: rollback, freeze, stop, failover,
 *   queue, abort, require HITL, throttle, simulate) red; alerts and notifications (alert, open
 *   incident, notify on-call, audit event) amber; RESOLVED green.</li>
 *   <li>Each line is thinned to at most 1,000 points by keeping each time bucket's lowest and
 *   highest value, so spikes survive; a value that is not finite (NaN: nothing to measure) breaks the line.</li>
 *   <li>At most 200 dead letters are listed; the rest are counted (all are in dead-letter.jsonl).</li>
 *   <li>Compare: a firing is (tripwire, tenant, scope, action, firedAt), compared as a multiset;
 *   reasons, evidence, ids and signatures are not part of it.</li>
 * </ul>
 */
package io.tripwire.engine.report;
