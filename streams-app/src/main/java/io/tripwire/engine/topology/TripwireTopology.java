package io.tripwire.engine.topology;

import io.tripwire.engine.actions.TenantState;
import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.signals.HistogramSerde;
import io.tripwire.engine.signals.LatencyCursor;
import io.tripwire.engine.signals.MetricPoint;
import io.tripwire.engine.signals.Signal;
import io.tripwire.engine.signals.Tally;
import io.tripwire.engine.signals.WindowSums;
import io.tripwire.engine.signals.CanaryTenant;
import io.tripwire.engine.state.WriteBackStore;
import io.tripwire.engine.tripwires.CanaryState;
import io.tripwire.engine.state.WriteBackStoreBuilder;
import io.tripwire.engine.tripwires.HoldState;
import io.tripwire.engine.tripwires.Tripwire;
import io.tripwire.engine.tripwires.TripwireKinds;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.ActionSigner;
import io.tripwire.wire.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.List;

/**
 * The engine's topology:
 * <pre>
 *   request-latency ─┐
 *   metric-samples  ─┤                                         ┌─► tripwire-actions
 *   ... (6 inputs)  ─┴─► evaluate-tripwires (state stores) ─►──┤
 *                                                              └─► tripwire-signals
 * </pre>
 * Built by a plain method so the live engine, the tests and file replay run the same topology.
 */
public final class TripwireTopology {

    private TripwireTopology() {
    }

    public static void build(StreamsBuilder builder, EngineTopics topics, Rules rules, ActionSigner signer) {
        build(builder, topics, rules, signer, EngineObserver.NONE);
    }

    /** As above, with an observer of windows, events and actions (metrics). */
    public static void build(StreamsBuilder builder, EngineTopics topics, Rules rules, ActionSigner signer, EngineObserver observer) {
        build(builder, topics, rules, signer, observer, Ingestion.DEFAULTS);
    }

    /**
     * As above, with the other sources (OTLP, OPA) and the key rule of {@code ingestion}:
     * <pre>
     *   6 inputs ─► check-keys ─(key = tenant)────────────────────────► evaluate-tripwires ─► actions, signals
     *                   └─(other key) ─► rekeyed (repartition by tenant) ─┘
     *   otlp spans / metrics, OPA decisions ─► decode ─┘
     * </pre>
     */
    public static void build(StreamsBuilder builder, EngineTopics topics, Rules rules, ActionSigner signer, EngineObserver observer,
                             Ingestion ingestion) {
        stores().forEach(builder::addStateStore);

        KStream<String, SpecificRecord> events = keyedByTenant(builder, inputs(builder, topics), topics, ingestion, observer);

        events.process(() -> processor(rules, signer, observer), Named.as("evaluate-tripwires"), StoreNames.ALL)
                .split(Named.as("output-"))
                .branch((tenant, out) -> out instanceof TripwireAction, Branched.withConsumer(
                        s -> s.mapValues(v -> (TripwireAction) v, Named.as("as-action"))
                                .to(topics.actions().name(), produced(topics.actions(), "write-actions")), "actions"))
                .branch((tenant, out) -> out instanceof Signal, Branched.withConsumer(
                        s -> s.mapValues(v -> (Signal) v, Named.as("as-signal"))
                                .to(topics.signals().name(), produced(topics.signals(), "write-signals")), "signals"))
                .noDefaultBranch();
    }

    /** The engine's one stateful step, as every task (and file replay) runs it. */
    public static TripwireProcessor processor(Rules rules, ActionSigner signer, EngineObserver observer) {
        List<Tripwire<?>> tripwires = rules.tripwires().stream().<Tripwire<?>>map(TripwireKinds::create).toList();
        return new TripwireProcessor(rules, tripwires, signer, observer);
    }

    /**
     * The inputs whose key is their tenant, merged with everything re-keyed through the engine's
     * re-keying topic: input records keyed otherwise (none, or another tenant: they would land in
     * another task than their tenant's state), and the events of the OTLP and OPA sources.
     */
    private static KStream<String, SpecificRecord> keyedByTenant(StreamsBuilder builder, KStream<String, SpecificRecord> inputs,
                                                                 EngineTopics topics, Ingestion ingestion, EngineObserver observer) {
        var split = inputs.split(Named.as("keys-"))
                .branch((key, event) -> event == null || tenantOf(event).equals(key), Branched.as("ok"))
                .defaultBranch(Branched.as("other"));
        KStream<String, SpecificRecord> other = split.get("keys-other");
        if (ingestion.strictKeys()) {
            // thrown before any state changes: the processing handler dead-letters the original record
            other.mapValues((key, event) -> {
                throw new io.tripwire.wire.DecodeException(io.tripwire.wire.DecodeException.Reason.KEY_MISMATCH, "tenant",
                        event.getSchema().getName() + " of tenant " + tenantOf(event) + " has record key "
                                + (key == null ? "null" : "'" + key + "'") + "; with strict-keys every record must be keyed by its tenant");
            }, Named.as("refuse-other-keys"));
            other = null;
        } else {
            other = other.selectKey((key, event) -> tenantOf(event), Named.as("key-by-tenant"));
        }
        io.tripwire.engine.ingest.Ingest ingest = new io.tripwire.engine.ingest.Ingest(ingestion.mapping());
        String[][] sources = {{ingestion.otlpSpans(), "OTLP_TRACES"}, {ingestion.otlpMetrics(), "OTLP_METRICS"},
            {ingestion.opaDecisions(), "OPA_DECISION"}};
        for (String[] src : sources) {
            if (src[0] == null || src[0].isBlank()) {
                continue;
            }
            io.tripwire.engine.ingest.Ingest.Form form = io.tripwire.engine.ingest.Ingest.Form.valueOf(src[1]);
            KStream<String, SpecificRecord> decoded = builder.stream(src[0],
                            Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("read-" + src[0]))
                    .process(() -> new IngestProcessor(ingest, form, observer), Named.as("decode-" + src[0]));
            other = other == null ? decoded : other.merge(decoded, Named.as("merge-" + src[0]));
        }
        if (other == null) {
            return split.get("keys-ok");
        }
        org.apache.kafka.streams.kstream.Repartitioned<String, SpecificRecord> by = org.apache.kafka.streams.kstream.Repartitioned
                .with(Serdes.String(), (Serde<SpecificRecord>) new RekeyedSerde()).withName(REKEYED);
        if (ingestion.partitions() > 0) {
            by = by.withNumberOfPartitions(ingestion.partitions());
        }
        return split.get("keys-ok").merge(other.repartition(by), Named.as("merge-rekeyed"));
    }

    /** Name of the re-keying topic: {@code <application.id>-rekeyed-repartition}. */
    public static final String REKEYED = "rekeyed";

    /** The tenant of an input event. */
    public static String tenantOf(SpecificRecord event) {
        return (String) event.get(event.getSchema().getField("tenant").pos());
    }

    /** The six input topics, decoded, as one stream (what the engine's processor reads; also the bench's framework floor). */
    public static KStream<String, SpecificRecord> inputs(StreamsBuilder builder, EngineTopics topics) {
        return input(builder, topics.requests())
                .merge(input(builder, topics.metrics()), Named.as("merge-metric-samples"))
                .merge(input(builder, topics.autonomy()), Named.as("merge-autonomy-decisions"))
                .merge(input(builder, topics.policy()), Named.as("merge-policy-decisions"))
                .merge(input(builder, topics.rollout()), Named.as("merge-rollout-steps"))
                .merge(input(builder, topics.overrides()), Named.as("merge-hitl-overrides"));
    }

    private static <V extends SpecificRecord> KStream<String, SpecificRecord> input(StreamsBuilder builder, Topic<V> topic) {
        return builder.stream(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde()).withName("read-" + topic.name()))
                .mapValues(v -> (SpecificRecord) v, Named.as("event-" + topic.name()));
    }

    private static <V> Produced<String, V> produced(Topic<V> topic, String name) {
        return Produced.with(topic.keySerde(), topic.valueSerde()).withName(name);
    }

    /** The processor's state stores, each with a changelog (file replay turns the changelogs off). */
    public static List<StoreBuilder<KeyValueStore<String, ?>>> stores() {
        return List.of(
                store(StoreNames.TENANT_CLOCK, Serdes.Long(), OBJECTS),
                store(StoreNames.REQUEST_BUCKETS, Tally.SERDE, OBJECTS),
                store(StoreNames.REQUEST_SUMS, WindowSums.SERDE, OBJECTS),
                store(StoreNames.LATENCY_BUCKETS, new HistogramSerde(), HISTOGRAMS),
                store(StoreNames.LATENCY_CURSORS, LatencyCursor.SERDE, OBJECTS),
                store(StoreNames.METRIC_SERIES, MetricPoint.SERDE, OBJECTS),
                store(StoreNames.AUTONOMY_BUCKETS, Tally.SERDE, OBJECTS),
                store(StoreNames.AUTONOMY_SUMS, WindowSums.SERDE, OBJECTS),
                store(StoreNames.TRIPWIRE_STATE, HoldState.SERDE, OBJECTS),
                store(StoreNames.TENANT_STATE, TenantState.SERDE, OBJECTS),
                store(StoreNames.CANARY_TENANTS, CanaryTenant.SERDE, OBJECTS),
                store(StoreNames.CANARY_STATE, CanaryState.SERDE, OBJECTS),
                store(StoreNames.APPROVAL_TOKENS, io.tripwire.engine.approvals.UsedTokens.SERDE, OBJECTS));
    }

    /** Values kept as objects per store and task: small records (a few hundred bytes each with the map). */
    static final int OBJECTS = 16_384;
    /** Decoded latency histograms kept per task (tens of KB each: 3 significant digits of microseconds). */
    static final int HISTOGRAMS = 2_048;

    /**
     * An in-memory store backed by a changelog topic, under a {@link WriteBackStore} that keeps
     * values as objects and encodes each changed one once per commit (Kafka's byte cache is off:
     * it would only hold a second copy).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <V> StoreBuilder<KeyValueStore<String, ?>> store(String name, Serde<V> valueSerde, int objects) {
        return (StoreBuilder) new WriteBackStoreBuilder<>(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), valueSerde)
                        .withCachingDisabled()
                        .withLoggingEnabled(java.util.Map.of()), objects);
    }
}
