package io.tripwire.cli.bench;

import io.tripwire.engine.topology.EngineTopics;
import io.tripwire.engine.topology.StreamsSettings;
import io.tripwire.engine.topology.TopicNames;
import io.tripwire.engine.topology.TripwireTopology;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.file.Path;
import java.util.Map;

/**
 * The engine's Kafka Streams application with nothing in it: the same six decoded inputs merged
 * into one processor, with the same settings (exactly_once_v2, 100 ms commits, threads), but a
 * processor that does nothing, no stores and no output. Its throughput is the most any engine
 * built this way can reach on the machine: the floor of Kafka Streams' own per-record cost.
 */
final class FrameworkFloor {

    private FrameworkFloor() {
    }

    /**
     * @param allInputs the engine's six inputs merged (its shape), or the request topic alone (what the
     *                  same app costs when its tasks read one partition each, so no empty input partitions)
     */
    static KafkaStreams start(String appId, String bootstrap, Path stateDir, TopicNames names, Map<String, ?> serdeConfig,
                              Map<String, ?> overrides, boolean allInputs) {
        StreamsBuilder builder = new StreamsBuilder();
        EngineTopics topics = EngineTopics.create(names, serdeConfig, EngineTopics.ActionFormat.AVRO);
        (allInputs ? TripwireTopology.inputs(builder, topics)
                : builder.stream(topics.requests().name(), org.apache.kafka.streams.kstream.Consumed.with(topics.requests().keySerde(),
                        topics.requests().valueSerde()).withName("read-requests")).mapValues(v -> (SpecificRecord) v, Named.as("event")))
                .process(() -> new Processor<String, SpecificRecord, Void, Void>() {
                    @Override
                    public void process(Record<String, SpecificRecord> record) {
                        // nothing: only Kafka Streams' own work per record remains
                    }
                }, Named.as("no-op"));
        KafkaStreams streams = new KafkaStreams(builder.build(), StreamsSettings.of(appId, bootstrap, stateDir, names.deadLetter(), overrides));
        streams.start();
        return streams;
    }
}
