package io.tripwire.cli.bench;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A JFR recording ("profile" settings) of this JVM around one phase, and a summary of its CPU samples
 * on the engine's stream threads: the hottest methods on top of the stack (self time) and the
 * hottest tripwire/Kafka/Avro methods anywhere on the stack (total time).
 */
final class JfrProfile implements AutoCloseable {

    private final Recording recording;
    private final Path file;

    private JfrProfile(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    static JfrProfile start(Path file) throws IOException {
        try {
            Recording r = new Recording(Configuration.getConfiguration("profile"));
            r.setToDisk(true);
            r.start();
            return new JfrProfile(r, file);
        } catch (java.text.ParseException e) {
            throw new IOException("JFR profile configuration: " + e.getMessage(), e);
        }
    }

    /** Stops the recording, writes it to the file and returns the summary lines. */
    List<String> stopAndSummarise(String threadNamePart, int top) throws IOException {
        recording.stop();
        recording.dump(file);
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> byArea = new HashMap<>();
        int samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            var thread = e.getThread("sampledThread");
            if (thread == null || thread.getJavaName() == null || !thread.getJavaName().contains(threadNamePart)) {
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = st.getFrames();
            self.merge(name(frames.get(0)), 1, Integer::sum);
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (RecordedFrame f : frames) {
                String n = name(f);
                if (seen.add(n)) {
                    total.merge(n, 1, Integer::sum);
                }
            }
            byArea.merge(area(frames), 1, Integer::sum);
        }
        List<String> out = new ArrayList<>();
        out.add("JFR: " + samples + " CPU samples on threads '*" + threadNamePart + "*' (file " + file + ")");
        out.add("  by area (first recognised frame from the top of the stack):");
        addTop(out, byArea, samples, top);
        out.add("  top frames, self:");
        addTop(out, self, samples, top);
        out.add("  top methods, total (on the stack; a method counts once per sample):");
        Map<String, Integer> filtered = new HashMap<>();
        total.forEach((k, v) -> {
            // the Streams framework frames (task loop, forward, metrics) are on every sample: leave them out
            if (!k.startsWith("java.lang.Thread.") && !k.startsWith("org.apache.kafka.streams.processor.internals.")
                    && !k.startsWith("org.apache.kafka.streams.kstream.internals.")) {
                filtered.put(k, v);
            }
        });
        addTop(out, filtered, samples, top);
        return out;
    }

    private static void addTop(List<String> out, Map<String, Integer> counts, int samples, int top) {
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(top)
                .forEach(en -> out.add(String.format(java.util.Locale.ROOT, "    %5.1f%%  %s",
                        samples == 0 ? 0.0 : 100.0 * en.getValue() / samples, en.getKey())));
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    /** Which part of the work a sample belongs to, by the innermost frame we recognise. */
    static String area(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String t = f.getMethod().getType().getName();
            String m = f.getMethod().getName();
            if (t.startsWith("io.tripwire.signing") || t.startsWith("sun.security.ec") || t.contains("EdDSA") || t.contains("ed25519")) {
                return "signing (Ed25519)";
            }
            if (t.startsWith("org.HdrHistogram") || t.startsWith("java.util.zip")) {
                return "latency histograms (HdrHistogram, Deflater)";
            }
            if (t.startsWith("org.apache.avro") || t.startsWith("io.tripwire.wire")) {
                return "Avro (de)serialisation";
            }
            if (t.startsWith("io.tripwire.engine")) {
                return "tripwire processor (" + t.substring(t.lastIndexOf('.') + 1) + ")";
            }
            if (t.startsWith("org.apache.kafka.streams.state") || t.contains("CachingKeyValueStore") || t.contains("ThreadCache")
                    || t.contains("ChangeLogging") || t.contains("InMemoryKeyValueStore") || t.contains("MeteredKeyValueStore")) {
                return "state stores (cache, changelog, in-memory)";
            }
            if (t.startsWith("org.apache.kafka.clients.producer") || m.contains("commitTransaction") || t.contains("TransactionManager")) {
                return "producer / transactions";
            }
            if (t.startsWith("org.apache.kafka.clients.consumer") || t.startsWith("org.apache.kafka.common.network")
                    || t.startsWith("sun.nio") || t.startsWith("org.apache.kafka.common.record")) {
                return "consumer / network / record batches";
            }
        }
        RecordedFrame topFrame = frames.get(0);
        String t = topFrame.getMethod().getType().getName();
        return "other (" + (t.contains(".") ? t.substring(0, t.lastIndexOf('.')) : t) + ")";
    }

    @Override
    public void close() {
        recording.close();
    }
}
