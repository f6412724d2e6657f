package io.tripwire.executor.handler;

import io.tripwire.executor.TestActions;
import io.tripwire.executor.config.HandlerSpec;
import io.tripwire.executor.config.RetrySpec;
import io.tripwire.schemas.ActionType;
import io.tripwire.schemas.TripwireAction;
import io.tripwire.signing.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class CommandHandlerTest {

    private static final RetrySpec THREE_FAST = new RetrySpec(3, Duration.ofMillis(1), Duration.ofMillis(5));

    @TempDir
    Path dir;

    private Path script(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/usr/bin/env bash\nset -euo pipefail\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    private CommandHandler handler(List<String> argv, Duration timeout, RetrySpec retry) {
        return new CommandHandler(new HandlerSpec.Command(argv, timeout, retry, 64 * 1024, Map.of("EXTRA", "yes")),
                dir, new SplittableRandom(1));
    }

    @Test
    void runsTheProgramWithTheActionIdAsIdempotencyKeyAndRecordsExitAndDigest() throws Exception {
        Path s = script("args.sh", "echo \"argc=$#\"; for a in \"$@\"; do echo \"arg=$a\"; done\n"
                + "echo \"id=$ACTION_ID tenant=$TRIPWIRE_TENANT action=$TRIPWIRE_ACTION attempt=$TRIPWIRE_ATTEMPT extra=$EXTRA\"\n");
        TripwireAction a = TestActions.unsigned("TENANT_004", ActionType.ROLLBACK_LAST_STEP, null, Map.of("to", "10"));

        HandlerResult r = handler(List.of(s.toString(), "rollback", "--tenant", "{tenant}", "--to", "{params.to}"),
                Duration.ofSeconds(10), THREE_FAST).run(a);

        String expectedOutput = "argc=5\narg=rollback\narg=--tenant\narg=TENANT_004\narg=--to\narg=10\n"
                + "id=" + a.getActionId() + " tenant=TENANT_004 action=ROLLBACK_LAST_STEP attempt=1 extra=yes\n";
        assertThat(r.succeeded()).isTrue();
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.exitCode()).isZero();
        assertThat(r.outputDigest()).isEqualTo(Sha256.hex(expectedOutput.getBytes(StandardCharsets.UTF_8)));
        assertThat(r.detail()).startsWith("exit 0 in ").contains("output sha256 " + r.outputDigest());
    }

    @Test
    void aTenantNamedLikeAShellCommandReachesTheProgramAsOneArgument() throws Exception {
        Path marker = dir.resolve("pwned");
        Path s = script("args.sh", "echo \"argc=$#\"; printf '%s\\n' \"$2\" > " + dir.resolve("tenant.txt") + "\n");
        String evil = "x; touch " + marker + "; $(touch " + marker + ")";
        TripwireAction a = TestActions.unsigned(evil, ActionType.STOP_RAMP, null, Map.of());

        HandlerResult r = handler(List.of(s.toString(), "--tenant", "{tenant}"), Duration.ofSeconds(10), THREE_FAST).run(a);

        assertThat(r.succeeded()).isTrue();
        assertThat(r.detail()).contains("argc=2");
        assertThat(Files.readString(dir.resolve("tenant.txt"))).isEqualTo(evil + "\n");
        assertThat(marker).doesNotExist();
    }

    @Test
    void aNonZeroExitIsRetriedThenReportedAsFailedWithTheLastExitCode() throws Exception {
        Path count = dir.resolve("count");
        Path s = script("fail.sh", "echo x >> " + count + "; echo 'disk full' >&2; exit 7\n");

        HandlerResult r = handler(List.of(s.toString()), Duration.ofSeconds(10), THREE_FAST)
                .run(TestActions.unsigned("T", ActionType.STOP_RAMP, null, Map.of()));

        assertThat(r.succeeded()).isFalse();
        assertThat(r.attempts()).isEqualTo(3);
        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(r.detail()).startsWith("exit 7 in ").contains("disk full").endsWith("(attempt 3/3, retries exhausted)");
        assertThat(Files.readAllLines(count)).hasSize(3);
    }

    @Test
    void succeedsOnARetryAfterAFailure() throws Exception {
        Path count = dir.resolve("count");
        Path s = script("flaky.sh", "echo x >> " + count + "; [[ $(wc -l < " + count + ") -ge 2 ]]\n");

        HandlerResult r = handler(List.of(s.toString()), Duration.ofSeconds(10), THREE_FAST)
                .run(TestActions.unsigned("T", ActionType.STOP_RAMP, null, Map.of()));

        assertThat(r.succeeded()).isTrue();
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(r.exitCode()).isZero();
    }

    @Test
    void aTimeoutDestroysTheWholeProcessTreeAndIsRetried() throws Exception {
        Path pids = dir.resolve("pids");
        Path s = script("hang.sh", "sleep 60 &\necho $! >> " + pids + "\nwait\n");

        long start = System.nanoTime();
        HandlerResult r = handler(List.of(s.toString()), Duration.ofMillis(300), new RetrySpec(2, Duration.ZERO, Duration.ZERO))
                .run(TestActions.unsigned("T", ActionType.STOP_RAMP, null, Map.of()));
        long ms = (System.nanoTime() - start) / 1_000_000;

        assertThat(r.succeeded()).isFalse();
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(r.exitCode()).isNull();
        assertThat(r.detail()).startsWith("timed out after 300 ms, process tree destroyed");
        assertThat(ms).isLessThan(10_000);
        List<String> children = Files.readAllLines(pids);
        assertThat(children).hasSize(2);
        for (String pid : children) {
            assertThat(running(Long.parseLong(pid.trim()))).as("child sleep %s still running", pid).isFalse();
        }
    }

    @Test
    void aParamTheActionLacksFailsWithoutRunningAnything() throws Exception {
        Path ran = dir.resolve("ran");
        Path s = script("x.sh", "touch " + ran + "\n");

        HandlerResult r = handler(List.of(s.toString(), "{params.to}"), Duration.ofSeconds(10), THREE_FAST)
                .run(TestActions.unsigned("T", ActionType.ROLLBACK_LAST_STEP, null, Map.of()));

        assertThat(r.succeeded()).isFalse();
        assertThat(r.attempts()).isZero();
        assertThat(r.detail()).isEqualTo("not run: the action has no params.to");
        assertThat(ran).doesNotExist();
    }

    @Test
    void describeShowsTheExpandedArgvWithoutRunningIt() throws Exception {
        Path ran = dir.resolve("ran");
        Path s = script("x.sh", "touch " + ran + "\n");
        TripwireAction a = TestActions.unsigned("T 1", ActionType.ROLLBACK_LAST_STEP, null, Map.of("to", "10"));

        String d = handler(List.of(s.toString(), "--tenant", "{tenant}", "--to", "{params.to}"), Duration.ofSeconds(10), THREE_FAST)
                .describe(a);

        assertThat(d).startsWith("would run [\"" + s + "\",\"--tenant\",\"T 1\",\"--to\",\"10\"] with ACTION_ID=" + a.getActionId());
        assertThat(ran).doesNotExist();
    }

    /** Alive and not a zombie (a container's init may not reap re-parented children at once). */
    static boolean running(long pid) throws IOException {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            Path stat = Path.of("/proc", Long.toString(pid), "stat");
            if (!Files.exists(stat)) {
                return false;
            }
            String s = Files.readString(stat);
            return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
        }
        return false;
    }
}
