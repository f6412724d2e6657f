package io.tripwire.engine.topology;

import io.tripwire.engine.signals.Signal;
import io.tripwire.json.JsonForm;
import io.tripwire.schemas.AutonomyDecision;
import io.tripwire.schemas.HumanOverride;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.schemas.RolloutStep;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.wire.AvroSerdes;
import io.tripwire.wire.InputDeserializer;
import io.tripwire.wire.Topic;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The engine's topics, each bound to its serdes, built once from configuration. Input topics read
 * Avro (wire format) or JSON per record; the action topic is Avro by default, JSON on request.
 */
public record EngineTopics(Topic<RequestLatency> requests, Topic<MetricSample> metrics, Topic<AutonomyDecision> autonomy,
                           Topic<PolicyDecision> policy, Topic<RolloutStep> rollout, Topic<HumanOverride> overrides,
                           Topic<TripwireAction> actions, Topic<Signal> signals, TopicNames names) {

    /** Format of the action topic. */
    public enum ActionFormat { AVRO, JSON }

    public static EngineTopics create(TopicNames n, Map<String, ?> serdeConfig, ActionFormat format) {
        return new EngineTopics(
                Topic.of(n.requests(), AvroSerdes.input(RequestLatency.class, serdeConfig)),
                Topic.of(n.metrics(), AvroSerdes.input(MetricSample.class, serdeConfig)),
                Topic.of(n.autonomy(), AvroSerdes.input(AutonomyDecision.class, serdeConfig)),
                Topic.of(n.policy(), AvroSerdes.input(PolicyDecision.class, serdeConfig)),
                Topic.of(n.rollout(), AvroSerdes.input(RolloutStep.class, serdeConfig)),
                Topic.of(n.overrides(), AvroSerdes.input(HumanOverride.class, serdeConfig)),
                Topic.of(n.actions(), format == ActionFormat.AVRO
                        ? AvroSerdes.input(TripwireAction.class, serdeConfig)
                        : jsonActions(serdeConfig)),
                Topic.of(n.signals(), Serdes.serdeFrom(
                        (topic, s) -> s == null ? null : s.toJson().getBytes(StandardCharsets.UTF_8),
                        (topic, b) -> {
                            throw new UnsupportedOperationException("the engine only writes signals");
                        })),
                n);
    }

    private static Serde<TripwireAction> jsonActions(Map<String, ?> serdeConfig) {
        InputDeserializer<TripwireAction> reader = new InputDeserializer<>(TripwireAction.class);
        reader.configure(serdeConfig, false);
        return Serdes.serdeFrom((topic, a) -> a == null ? null : JsonForm.write(a).getBytes(StandardCharsets.UTF_8), reader);
    }
}
