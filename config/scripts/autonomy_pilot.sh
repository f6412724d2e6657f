#!/usr/bin/env bash
# Example handler for the autonomy pilot (runbook: "Autonomy Drift").
# It prints what it would do; replace the echo lines with the real pilot calls.
# The executor runs it without a shell, with ACTION_ID set: pass it on as the idempotency key.
#
#   autonomy_pilot.sh throttle --tenant T --to 0.25   (fraction of autonomous ops allowed, 0..1)
#   autonomy_pilot.sh simulate --tenant T             (re-enter simulate mode)
#   autonomy_pilot.sh block --tenant T                (BLOCK_ENACT: no enacting until a simulation passes again)
set -euo pipefail

usage() {
    echo "usage: $(basename "$0") throttle --tenant T --to FRACTION | simulate --tenant T | block --tenant T" >&2
    exit 2
}

[[ $# -ge 1 ]] || usage
cmd=$1
shift
tenant="" to=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --tenant) [[ $# -ge 2 ]] || usage; tenant=$2; shift 2 ;;
        --to) [[ $# -ge 2 ]] || usage; to=$2; shift 2 ;;
        *) usage ;;
    esac
done
[[ -n $tenant ]] || usage
action_id=${ACTION_ID:?ACTION_ID must be set: it is the idempotency key}

case $cmd in
    throttle)
        [[ $to =~ ^(0(\.[0-9]+)?|1(\.0+)?)$ ]] || { echo "--to must be a fraction in 0..1, got '$to'" >&2; exit 2; }
        printf 'would throttle autonomous ops of tenant %q to %s (idempotency key %s)\n' "$tenant" "$to" "$action_id"
        ;;
    simulate)
        printf 'would put the autonomy pilot of tenant %q back into simulate mode (idempotency key %s)\n' "$tenant" "$action_id"
        ;;
    block)
        printf 'would block enacting by the autonomy pilot of tenant %q until a simulation passes again (idempotency key %s)\n' "$tenant" "$action_id"
        ;;
    *)
        usage
        ;;
esac
