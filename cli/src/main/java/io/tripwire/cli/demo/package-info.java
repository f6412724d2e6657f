/**
 * {@code ./tripwire demo}: the whole system in one process, with nothing to set up.
 *
 * <p>What it wires together, in start order ({@link io.tripwire.cli.demo.DemoStack}):
 * <ol>
 *   <li>an embedded single-node KRaft broker ({@code EmbeddedKafka}) with the topics of SPEC
 *       section 1, 3 partitions each, and the in-process schema registry {@code mock://demo}
 *       that every client of the JVM shares by name;</li>
 *   <li>an ephemeral Ed25519 key pair: the engine signs with the private key, and
 *       {@code DIR/public.pem} is the executor's trusted key;</li>
 *   <li>the engine ({@code TripwireEngine}, exactly_once_v2, state in {@code DIR/state}) with the
 *       rules {@code replay} would use ({@code --rules}, {@code --set});</li>
 *   <li>the executor with {@code config/demo/executor.yaml} (the example scripts of
 *       {@code config/scripts/}), in dry run unless {@code --execute}.</li>
 * </ol>
 * Then {@link io.tripwire.cli.demo.ScenarioPlayer} plays {@code test-data/wave-a.jsonl} into the
 * input topics (Avro, keyed by tenant, in timestamp order, as fast as the broker takes it, since
 * event time is what the engine decides on) while {@link io.tripwire.cli.demo.LiveFeed} reads
 * {@code tripwire-actions}, {@code action-results}, {@code tripwire-signals} and
 * {@code tripwire-dead-letter} back (read_committed) and prints each action with its result.
 * {@link io.tripwire.cli.demo.Playback} ends the run when the engine's committed input offsets reach
 * the end of its input topics (under EOS its outputs are then committed too), the feed has read
 * everything committed, and every action has a result. The files written are those of a replay
 * plus {@code results.jsonl}, built only from what was read back, so they show the live run.
 *
 * <p>Two choices keep the live run equal to a replay and moving on this small machine: unpaced,
 * the engine is paused until every event is on the broker (else a sparse topic's later event can
 * overtake a busy topic's earlier ones on the way in: see {@link io.tripwire.cli.demo.Playback}),
 * and Streams buffers the whole scenario while the broker serves full fetches only (see
 * {@link io.tripwire.cli.demo.DemoStack#ENGINE_KAFKA}: with Kafka's defaults the engine stalled part-way).
 *
 * <p>{@link io.tripwire.cli.demo.DemoStack.Plugins} is where metrics plug in: the engine's
 * {@code EngineObserver} and the executor's {@code MeterRegistry}; {@code --linger} keeps
 * everything up afterwards (the bootstrap address is printed, for kcat).
 */
package io.tripwire.cli.demo;
