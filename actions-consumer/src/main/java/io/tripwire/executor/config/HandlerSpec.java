package io.tripwire.executor.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What runs for one action type: a command, an HTTP webhook, or a log line. */
public sealed interface HandlerSpec {

    /** Handler name as written in results: {@code command}, {@code http} or {@code log}. */
    String kind();

    /** Upper bound of the time one action can take in this handler, retries and backoff included. */
    Duration worstCase();

    /**
     * Runs {@code argv} (a template, see {@code ArgvTemplate}) without a shell.
     *
     * @param argv argument template; {@code argv[0]} containing a '/' is resolved against the config directory
     * @param timeout per attempt; the process tree is destroyed when it runs out
     * @param outputCapBytes how much of stdout+stderr is kept for the digest
     * @param env extra environment entries (fixed text)
     */
    record Command(List<String> argv, Duration timeout, RetrySpec retry, int outputCapBytes,
                   Map<String, String> env) implements HandlerSpec {
        public Command {
            argv = List.copyOf(argv);
            env = Map.copyOf(env);
        }

        @Override
        public String kind() {
            return "command";
        }

        @Override
        public Duration worstCase() {
            return timeout.multipliedBy(retry.attempts()).plus(retry.worstCaseBackoff());
        }
    }

    /** POSTs the action's JSON form to {@code url} with an {@code Idempotency-Key} header. */
    record Http(URI url, Duration timeout, RetrySpec retry, Map<String, String> headers) implements HandlerSpec {
        public Http {
            headers = Map.copyOf(headers);
        }

        @Override
        public String kind() {
            return "http";
        }

        @Override
        public Duration worstCase() {
            // connect and response each bounded by the timeout
            return timeout.multipliedBy(2L * retry.attempts()).plus(retry.worstCaseBackoff());
        }
    }

    /** Records the action only. */
    record Log() implements HandlerSpec {
        @Override
        public String kind() {
            return "log";
        }

        @Override
        public Duration worstCase() {
            return Duration.ZERO;
        }
    }
}
