package io.tripwire.cli;

import io.tripwire.engine.rules.Rules;
import io.tripwire.engine.rules.TripwireRule;
import io.tripwire.json.JsonForm;
import io.tripwire.schemas.HumanOverride;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code tripwire override}: a human releases a tripwire hold (SPEC section 3, firing and resolving). */
@Command(name = "override", mixinStandardHelpOptions = true,
        description = {"Send a human override that releases a tripwire hold for one tenant.",
            "",
            "Sends one HumanOverride (ts = now) to hitl-overrides, keyed by tenant, with acks=all and idempotence, "
                + "and prints it. For residency-violation it releases the tenant's hold (the engine emits RESOLVED); "
                + "for error-budget it lifts the ramp freeze early. The tripwire id must be one of the rules' ids."},
        footer = {"", "Examples:",
            "  ./tripwire override --tenant TENANT_005 --tripwire residency-violation \\",
            "      --token tok-1 --by dpo@example.org",
            "  ./tripwire override --tenant TENANT_004 --tripwire error-budget \\",
            "      --token CHG-1234 --by sre-oncall --bootstrap-server broker:9093 \\",
            "      --command-config client.properties --format json",
            "",
            "Exit codes: 0 sent; 1 not delivered; 2 bad command line or unknown",
            "tripwire id."})
public final class OverrideCommand implements Callable<Integer> {

    @Option(names = "--tenant", required = true, paramLabel = "T", description = "Tenant whose tripwire is overridden, e.g. TENANT_005.")
    String tenant;

    @Option(names = "--tripwire", required = true, paramLabel = "ID", description = "Tripwire id from the rules, e.g. residency-violation.")
    String tripwire;

    @Option(names = "--token", required = true, paramLabel = "TOKEN", description = "Id of the approval token that authorises the override.")
    String token;

    @Option(names = "--by", required = true, paramLabel = "WHO", description = "Who approved, e.g. dpo@example.org.")
    String by;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "hitl-overrides", description = "Override topic. Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(names = "--timeout", paramLabel = "D", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long to wait for the broker's acknowledgement. Default: ${DEFAULT-VALUE}.")
    java.time.Duration timeout;

    @Mixin
    RulesOptions rules;

    @Mixin
    ClientOptions client;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        for (String[] v : List.of(new String[]{"--tenant", tenant}, new String[]{"--token", token}, new String[]{"--by", by})) {
            if (v[1].isBlank()) {
                err.println("tripwire override: " + v[0] + " must not be blank");
                return 2;
            }
        }
        Rules r = rules.load();
        if (r.rule(tripwire) == null) {
            err.println("tripwire override: unknown tripwire '" + tripwire + "'; valid ids: "
                    + String.join(", ", r.tripwires().stream().map(TripwireRule::id).toList()));
            return 2;
        }
        HumanOverride event = HumanOverride.newBuilder().setTs(Instant.now()).setTenant(tenant).setTripwire(tripwire)
                .setApprovalTokenId(token).setBy(by).build();
        Map<String, Object> config;
        try {
            config = client.producerConfig();
        } catch (IllegalArgumentException e) {
            err.println("tripwire override: " + e.getMessage());
            return 2;
        }
        config.put("max.block.ms", timeout.toMillis());
        config.put("delivery.timeout.ms", (int) Math.min(Math.max(timeout.toMillis(), 1_000), Integer.MAX_VALUE));
        config.put("request.timeout.ms", (int) Math.min(Math.max(timeout.toMillis() / 2, 500), Integer.MAX_VALUE));
        RecordMetadata meta;
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(), client.valueSerializer())) {
            meta = producer.send(new ProducerRecord<>(topic, tenant, event)).get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            err.println("tripwire override: not delivered to " + topic + " at " + client.bootstrapServer + ": " + cause.getMessage());
            return 1;
        } catch (ConfigException e) {
            err.println("tripwire override: bad client settings: " + e.getMessage());
            return 2;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("sent override to %s (partition %d, offset %d, key %s, %s): %s%n", meta.topic(), meta.partition(), meta.offset(),
                tenant, client.format, JsonForm.write(event));
        out.flush();
        return 0;
    }
}
