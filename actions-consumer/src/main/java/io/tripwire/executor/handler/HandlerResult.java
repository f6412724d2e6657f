package io.tripwire.executor.handler;

/**
 * What a handler did with one action, over all its attempts.
 *
 * @param succeeded whether the last attempt succeeded
 * @param attempts attempts made (at least 1)
 * @param durationMs wall-clock time over all attempts and backoff waits
 * @param detail what happened, for people: exit code, HTTP status, the reason of a failure
 * @param exitCode the last exit code of a command, else null
 * @param outputDigest hex SHA-256 of the last command output or HTTP response body, else null
 */
public record HandlerResult(boolean succeeded, int attempts, long durationMs, String detail,
                            Integer exitCode, String outputDigest) {
}
