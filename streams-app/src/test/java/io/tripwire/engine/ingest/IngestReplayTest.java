package io.tripwire.engine.ingest;

import io.tripwire.engine.Engines;
import io.tripwire.engine.replay.FileReplay;
import io.tripwire.engine.replay.ReplayOutput;
import io.tripwire.json.ActionJson;
import io.tripwire.json.CanonicalJson;
import io.tripwire.json.JsonForm;
import io.tripwire.schemas.MetricSample;
import io.tripwire.schemas.PolicyDecision;
import io.tripwire.schemas.PolicyVerdict;
import io.tripwire.schemas.RequestLatency;
import io.tripwire.signing.ActionSigner;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Wave A incident sent as the tools write it (requests as OTLP JSON batches from the
 * OpenTelemetry SDK, replica lag as OTLP gauges, policy decisions as OPA decision-log events) gives
 * exactly the actions of the engine's own JSON form, in replay.
 */
class IngestReplayTest {

    static final Map<String, String> SERVICE_NAMES = Map.of("api", "graphql-gateway", "ingest", "ingest-gateway");
    static final IngestSettings MAPPING = new IngestSettings("tenant_id", "tripwire.op", "tripwire.service",
            Map.of("ingest-gateway", "ingest"), "api", "tripwire.cohort", List.of("pg_replica_lag_seconds", "cache_hit_ratio", "cost_budget_used_ratio"), "input.tenant", "input.op_id",
            "input.residency_zone", "input.data_zone", "input.purpose", Map.of());

    /** Wave A's lines with requests, metrics and policy decisions in the tools' forms; the rest as they are. */
    static List<String> asTheToolsWriteIt(List<String> lines) {
        List<String> out = new ArrayList<>();
        List<RequestLatency> batch = new ArrayList<>();
        for (String line : lines) {
            SpecificRecord e = JsonForm.parseLine(line, 0);
            if (e instanceof RequestLatency r) {
                if (!batch.isEmpty() && (batch.size() == 40 || !batch.get(0).getService().equals(r.getService()))) {
                    out.add(OtelSdk.tracesJson(OtelSdk.spans(batch, SERVICE_NAMES)));
                    batch.clear();
                }
                batch.add(r);
                continue;
            }
            if (!batch.isEmpty()) {
                out.add(OtelSdk.tracesJson(OtelSdk.spans(batch, SERVICE_NAMES)));
                batch.clear();
            }
            if (e instanceof MetricSample m) {
                out.add(OtelSdk.metricsJson(OtelSdk.gauges(List.of(m))));
            } else if (e instanceof PolicyDecision p) {
                out.add(opa(p));
            } else {
                out.add(line);
            }
        }
        if (!batch.isEmpty()) {
            out.add(OtelSdk.tracesJson(OtelSdk.spans(batch, SERVICE_NAMES)));
        }
        return out;
    }

    static String opa(PolicyDecision p) {
        StringBuilder input = new StringBuilder("{\"tenant\":\"" + p.getTenant() + "\",\"op_id\":\"" + p.getOpId() + "\"");
        if (p.getResidencyZone() != null) {
            input.append(",\"residency_zone\":\"").append(p.getResidencyZone()).append('"');
        }
        if (p.getDataZone() != null) {
            input.append(",\"data_zone\":\"").append(p.getDataZone()).append('"');
        }
        if (p.getPurpose() != null) {
            input.append(",\"purpose\":\"").append(p.getPurpose()).append('"');
        }
        input.append('}');
        String result = "{\"allow\":" + (p.getDecision() == PolicyVerdict.ALLOW) + "}";
        return IngestTest.opaEvent("dec-" + p.getOpId(), p.getPolicy() + "/allow", result, input.toString(), p.getTs().toString());
    }

    @Test
    void waveAAsOtlpAndOpaGivesTheActionsOfItsJsonForm(@TempDir Path dir) throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "test-data", "wave-a.jsonl"), StandardCharsets.UTF_8);
        Path tools = dir.resolve("wave-a-otlp-opa.jsonl");
        Files.write(tools, asTheToolsWriteIt(lines), StandardCharsets.UTF_8);
        assertThat(Files.readAllLines(tools)).anyMatch(l -> l.startsWith("{\"resourceSpans\""))
                .anyMatch(l -> l.startsWith("{\"resourceMetrics\"")).anyMatch(l -> l.contains("\"decision_id\""));

        ActionSigner signer = new ActionSigner(Engines.KEYS.getPrivate());
        ReplayOutput own = FileReplay.run(Path.of("..", "test-data", "wave-a.jsonl"), Engines.rules(), signer, (p, d, t) -> { });
        ReplayOutput fromTools = FileReplay.run(tools, Engines.rules(), signer, MAPPING, (p, d, t) -> { });

        // the story's refused overrides are dead letters in both; nothing else is
        assertThat(fromTools.deadLetters()).extracting(d -> d.reason()).containsExactlyElementsOf(Engines.WAVE_A_REFUSED);
        assertThat(own.deadLetters()).extracting(d -> d.reason()).containsExactlyElementsOf(Engines.WAVE_A_REFUSED);
        assertThat(fromTools.eventsRead()).isEqualTo(own.eventsRead());
        assertThat(own.actions()).hasSize(Engines.WAVE_A_ACTIONS);
        // the same records: tripwires, tenants, actions, firing times, ids, evidence and signatures
        assertThat(fromTools.actions()).extracting(a -> CanonicalJson.write(ActionJson.toMap(a, true)))
                .containsExactlyElementsOf(own.actions().stream().map(a -> CanonicalJson.write(ActionJson.toMap(a, true))).toList());
        assertThat(fromTools.signals()).containsExactlyElementsOf(own.signals());
    }
}
