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
        description = {"Sign and send a human override that releases a tripwire hold for one tenant.",
            "",
            "Signs one HumanOverride with an approver's Ed25519 key (SPEC 3, \"Human approvals\": keyId, notAfter, signature "
                + "over the canonical JSON of the record) and sends it to hitl-overrides, keyed by tenant, with acks=all and "
                + "idempotence, and prints it. The engine honours it only when the key is one of its rules' approvers, valid at "
                + "the override's ts and allowed this tripwire, the override is not past notAfter, and its token was not used "
                + "before for the tenant; anything else is dead-lettered with its reason and audited, and the hold stays.",
            "For residency-violation it releases the tenant's hold (the engine emits RESOLVED); for error-budget it lifts "
                + "the ramp freeze early. The tripwire id must be one of the rules' ids.",
            "",
            "--dry-run prints the signed record (the JSON-lines form) and sends nothing: a ticketing system can make "
                + "approvals this way, keep them for audit and send them later (tripwire produce)."},
        footer = {"", "Examples:",
            "  ./tripwire keys --out dpo-keys --approver dpo@example.org     # once: a key pair, and the rules entry to add",
            "  ./tripwire override --tenant TENANT_005 --tripwire residency-violation \\",
            "      --token tok-1 --by dpo@example.org --signing-key dpo-keys/private.pem --key-id dpo-2026",
            "  ./tripwire override --tenant TENANT_004 --tripwire error-budget --token CHG-1234 --by sre-oncall \\",
            "      --signing-key sre.pem --key-id sre-2026 --valid-for 15m --bootstrap-server broker:9093 \\",
            "      --command-config client.properties --format json",
            "  ./tripwire override ... --at 2025-10-06T10:25:00Z --not-after 2025-10-06T11:00:00Z --dry-run >> approvals.jsonl",
            "",
            "Exit codes: 0 sent (or printed); 1 not delivered; 2 bad command line, unknown tripwire id, unreadable key,",
            "or an approval that would already be void."})
public final class OverrideCommand implements Callable<Integer> {

    @Option(names = "--tenant", required = true, paramLabel = "T", description = "Tenant whose tripwire is overridden, e.g. TENANT_005.")
    String tenant;

    @Option(names = "--tripwire", required = true, paramLabel = "ID", description = "Tripwire id from the rules, e.g. residency-violation.")
    String tripwire;

    @Option(names = "--token", required = true, paramLabel = "TOKEN", description = "Id of the approval token that authorises the override.")
    String token;

    @Option(names = "--by", required = true, paramLabel = "WHO", description = "Who approved, e.g. dpo@example.org.")
    String by;

    @Option(names = "--signing-key", required = true, paramLabel = "PEM",
            description = "The approver's Ed25519 private key (PEM, PKCS#8: tripwire keys writes one).")
    java.nio.file.Path signingKey;

    @Option(names = "--key-id", required = true, paramLabel = "ID",
            description = "The key's id, as the rules' approvers name it (key-id, or the fingerprint tripwire keys prints).")
    String keyId;

    @Option(names = "--valid-for", paramLabel = "D", converter = DurationConverter.class,
            description = "How long after --at the approval holds (notAfter = at + D). Default: 1h.")
    java.time.Duration validFor;

    @Option(names = "--not-after", paramLabel = "TS", converter = InstantConverter.class,
            description = "The approval is void after this time (instead of --valid-for).")
    Instant notAfter;

    @Option(names = "--at", paramLabel = "TS", converter = InstantConverter.class, description = "The override's ts. Default: now.")
    Instant at;

    @Option(names = "--dry-run", description = "Print the signed override (JSON-lines form) and send nothing.")
    boolean dryRun;

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
        if (validFor != null && notAfter != null) {
            err.println("tripwire override: give --valid-for or --not-after, not both");
            return 2;
        }
        Instant ts = (at != null ? at : Instant.now()).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Instant until = (notAfter != null ? notAfter : ts.plus(validFor != null ? validFor : java.time.Duration.ofHours(1)))
                .truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        if (until.isBefore(ts)) {
            err.println("tripwire override: not signing an approval that is void already: notAfter " + until + " is before its ts " + ts);
            return 2;
        }
        java.security.PrivateKey key;
        try {
            key = io.tripwire.signing.Ed25519Keys.readPrivate(signingKey);
        } catch (java.io.IOException | IllegalArgumentException e) {
            err.println("tripwire override: --signing-key " + signingKey + ": " + e.getMessage());
            return 2;
        }
        HumanOverride event = io.tripwire.signing.OverrideSignatures.sign(HumanOverride.newBuilder().setTs(ts).setTenant(tenant)
                .setTripwire(tripwire).setApprovalTokenId(token).setBy(by).setKeyId(keyId).setNotAfter(until).setSignature(null).build(), key);
        // what the engine with these rules would say (the engine may run other rules, so a warning, not a refusal)
        io.tripwire.engine.approvals.OverrideCheck.Verdict verdict = new io.tripwire.engine.approvals.OverrideCheck(r.approvers())
                .check(event, io.tripwire.engine.approvals.UsedTokens.none());
        if (!verdict.honoured()) {
            err.println("tripwire override: warning: an engine with the rules " + rules.describe() + " would refuse this override, "
                    + verdict.reason() + ": " + verdict.why());
            err.flush();
        }
        if (dryRun) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(JsonForm.write(event));
            out.flush();
            return 0;
        }
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
