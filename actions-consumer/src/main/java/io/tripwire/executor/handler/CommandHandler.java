package io.tripwire.executor.handler;

import io.tripwire.executor.config.HandlerSpec;
import io.tripwire.json.CanonicalJson;
import io.tripwire.schemas.TripwireAction;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Runs a program with an argument vector expanded from a template (no shell), in the config
 * directory, with the action in the environment: {@code ACTION_ID} (the idempotency key),
 * {@code TRIPWIRE_TENANT}, {@code TRIPWIRE_TRIPWIRE}, {@code TRIPWIRE_SCOPE}, {@code TRIPWIRE_ACTION},
 * {@code TRIPWIRE_DECISION_ID}, {@code TRIPWIRE_FIRED_AT}, {@code TRIPWIRE_EVIDENCE_ID},
 * {@code TRIPWIRE_ATTEMPT}. A non-zero exit or a timeout is retried; a template that cannot be
 * expanded for this action or a program that cannot be started is not.
 */
public final class CommandHandler implements ActionHandler {

    private final HandlerSpec.Command spec;
    private final ArgvTemplate template;
    private final Path workDir;
    private final Retrier retrier;

    public CommandHandler(HandlerSpec.Command spec, Path workDir, RandomGenerator random) {
        this.spec = spec;
        this.template = ArgvTemplate.parse(spec.argv());
        this.workDir = workDir;
        this.retrier = new Retrier(spec.retry(), random);
    }

    @Override
    public String kind() {
        return "command";
    }

    @Override
    public boolean sideEffecting() {
        return true;
    }

    @Override
    public String describe(TripwireAction action) {
        try {
            return "would run " + CanonicalJson.write(template.expand(action)) + " with ACTION_ID=" + action.getActionId()
                    + ", timeout " + spec.timeout().toMillis() + " ms, up to " + spec.retry().attempts() + " attempts";
        } catch (IllegalArgumentException e) {
            return "would fail: " + e.getMessage();
        }
    }

    @Override
    public HandlerResult run(TripwireAction action) throws InterruptedException {
        List<String> argv;
        try {
            argv = template.expand(action);
        } catch (IllegalArgumentException e) {
            return new HandlerResult(false, 0, 0, "not run: " + e.getMessage(), null, null);
        }
        return retrier.run(attempt -> once(argv, action, attempt));
    }

    private Attempt once(List<String> argv, TripwireAction action, int attempt) throws InterruptedException {
        ProcessRun.Ended end;
        try {
            end = ProcessRun.run(argv, workDir, environment(action, attempt), spec.timeout(), spec.outputCapBytes());
        } catch (IOException e) {
            return Attempt.fail("cannot start " + argv.get(0) + ": " + e.getMessage(), null, null);
        }
        String output = "; output sha256 " + end.outputDigest() + (end.outputTail().isEmpty() ? "" : ": " + end.outputTail());
        if (end.timedOut()) {
            return Attempt.retryable("timed out after " + spec.timeout().toMillis() + " ms, process tree destroyed" + output,
                    null, end.outputDigest());
        }
        String text = "exit " + end.exitCode() + " in " + end.durationMs() + " ms" + output;
        return end.exitCode() == 0
                ? Attempt.success(text, 0, end.outputDigest())
                : Attempt.retryable(text, end.exitCode(), end.outputDigest());
    }

    private Map<String, String> environment(TripwireAction a, int attempt) {
        Map<String, String> env = new HashMap<>(spec.env());
        env.put("ACTION_ID", a.getActionId());
        env.put("TRIPWIRE_TENANT", a.getTenant());
        env.put("TRIPWIRE_TRIPWIRE", a.getTripwire());
        env.put("TRIPWIRE_SCOPE", a.getScope());
        env.put("TRIPWIRE_ACTION", a.getAction().name());
        env.put("TRIPWIRE_DECISION_ID", a.getDecisionId());
        env.put("TRIPWIRE_FIRED_AT", a.getFiredAt().toString());
        env.put("TRIPWIRE_EVIDENCE_ID", a.getEvidenceId());
        env.put("TRIPWIRE_ATTEMPT", Integer.toString(attempt));
        return env;
    }
}
