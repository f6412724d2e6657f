#!/usr/bin/env bash
# Example handler for the AA expansion rollout (runbook: "Rollback (Any Wave)").
# It prints what it would do; replace the echo lines with the real rollout calls.
# The executor runs it without a shell, one argument per argv element, with ACTION_ID set:
# pass ACTION_ID on as the idempotency key, because the same action can arrive twice after a crash.
#
#   aa_expansion_rollout.sh rollback --tenant T --to P      (P: a percent, or "prev")
#   aa_expansion_rollout.sh freeze   --tenant T --until TS  (TS: ISO-8601 instant, or a duration such as 24h)
#   aa_expansion_rollout.sh stop     --tenant T
set -euo pipefail

usage() {
    echo "usage: $(basename "$0") rollback --tenant T --to P | freeze --tenant T --until TS | stop --tenant T" >&2
    exit 2
}

[[ $# -ge 1 ]] || usage
cmd=$1
shift
tenant="" to="" until=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --tenant) [[ $# -ge 2 ]] || usage; tenant=$2; shift 2 ;;
        --to) [[ $# -ge 2 ]] || usage; to=$2; shift 2 ;;
        --until) [[ $# -ge 2 ]] || usage; until=$2; shift 2 ;;
        *) usage ;;
    esac
done
[[ -n $tenant ]] || usage
action_id=${ACTION_ID:?ACTION_ID must be set: it is the idempotency key}

case $cmd in
    rollback)
        [[ -n $to ]] || usage
        [[ $to == prev || $to =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "--to must be a percent or prev, got '$to'" >&2; exit 2; }
        printf 'would roll back tenant %q to %s%s (idempotency key %s)\n' "$tenant" "$to" "$([[ $to == prev ]] || echo '%')" "$action_id"
        ;;
    freeze)
        [[ -n $until ]] || usage
        printf 'would freeze the ramp of tenant %q until %s (idempotency key %s)\n' "$tenant" "$until" "$action_id"
        ;;
    stop)
        printf 'would stop the ramp of tenant %q (idempotency key %s)\n' "$tenant" "$action_id"
        ;;
    *)
        usage
        ;;
esac
