#!/usr/bin/env bash
# Example rollout script for the AA expansion (runbooks: "Wave A", "Rollback (Any Wave)").
# It prints what it would do to traffic; replace the "would ..." lines with the real rollout calls.
#
# As the executor's handler (run without a shell, one argument per argv element, with ACTION_ID set:
# pass ACTION_ID on as the idempotency key, because the same action can arrive twice after a crash):
#
#   aa_expansion_rollout.sh rollback --tenant T --to P [--region R]  (P: a percent, or "prev"; R: only that region's step)
#   aa_expansion_rollout.sh freeze   --tenant T --until TS           (TS: ISO-8601 instant, or a duration such as 24h)
#   aa_expansion_rollout.sh stop     --tenant T
#
# By a human, to ramp a tenant step by step with the canary judgement deciding each soak:
#
#   aa_expansion_rollout.sh ramp --tenant T --steps 2,10,25,50,100 [--region R] [--version V] [--soak 15m] [--check-every 60]
#
#   At each step it records the step on the rollout-steps topic (tripwire produce), which begins a canary
#   stage, then asks `tripwire gate --canary` every --check-every seconds: PASS (every canary key has
#   shown the canary no worse than the baseline) moves on at once; FAIL (a canary key fired: the engine
#   has sent ROLLBACK_LAST_STEP) stops the ramp, exit 1; INCONCLUSIVE until --soak has passed falls
#   back on the packet's soak timer and moves on. Cluster: TRIPWIRE_BOOTSTRAP_SERVERS (default
#   localhost:9092), TRIPWIRE_SCHEMA_REGISTRY_URL; TRIPWIRE is the tripwire command (default ../../tripwire).
#
# By an approver, to lift a tenant's 24h ramp freeze early (SPEC 3 "Human approvals": a signed, single-use
# error-budget override; the engine refuses it unless the key is one of its rules' approvers for error-budget):
#
#   aa_expansion_rollout.sh unfreeze --tenant T --token CHG-1234 [--valid-for 1h]
#
#   Signs with TRIPWIRE_APPROVER_KEY (the approver's private PEM, made by tripwire keys --approver) and
#   TRIPWIRE_APPROVER_KEY_ID (its key id in the rules); TRIPWIRE_APPROVER names who approves (default $USER).
set -euo pipefail

usage() {
    echo "usage: $(basename "$0") rollback --tenant T --to P [--region R] | freeze --tenant T --until TS | stop --tenant T" >&2
    echo "       $(basename "$0") ramp --tenant T --steps 2,10,25,50,100 [--region R] [--version V] [--soak 15m] [--check-every 60]" >&2
    echo "       $(basename "$0") unfreeze --tenant T --token TOKEN [--valid-for 1h]   (TRIPWIRE_APPROVER_KEY, TRIPWIRE_APPROVER_KEY_ID)" >&2
    exit 2
}

[[ $# -ge 1 ]] || usage
cmd=$1
shift
tenant="" to="" until="" region="" steps="" version="" soak="15m" every=60 token="" valid_for="1h"
while [[ $# -gt 0 ]]; do
    case $1 in
        --tenant) [[ $# -ge 2 ]] || usage; tenant=$2; shift 2 ;;
        --to) [[ $# -ge 2 ]] || usage; to=$2; shift 2 ;;
        --until) [[ $# -ge 2 ]] || usage; until=$2; shift 2 ;;
        --region) [[ $# -ge 2 ]] || usage; region=$2; shift 2 ;;
        --steps) [[ $# -ge 2 ]] || usage; steps=$2; shift 2 ;;
        --version) [[ $# -ge 2 ]] || usage; version=$2; shift 2 ;;
        --soak) [[ $# -ge 2 ]] || usage; soak=$2; shift 2 ;;
        --check-every) [[ $# -ge 2 ]] || usage; every=$2; shift 2 ;;
        --token) [[ $# -ge 2 ]] || usage; token=$2; shift 2 ;;
        --valid-for) [[ $# -ge 2 ]] || usage; valid_for=$2; shift 2 ;;
        *) usage ;;
    esac
done
[[ -n $tenant ]] || usage

seconds() { # 15m, 90s, 1h -> seconds
    case $1 in
        *h) echo $(( ${1%h} * 3600 )) ;;
        *m) echo $(( ${1%m} * 60 )) ;;
        *s) echo "${1%s}" ;;
        *) echo "$1" ;;
    esac
}

ramp() {
    [[ -n $steps ]] || usage
    [[ $every =~ ^[0-9]+$ && $every -gt 0 ]] || { echo "--check-every must be whole seconds > 0, got '$every'" >&2; exit 2; }
    local here tripwire bootstrap soak_s previous=0 step
    here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    tripwire="${TRIPWIRE:-$here/../../tripwire}"
    bootstrap="${TRIPWIRE_BOOTSTRAP_SERVERS:-localhost:9092}"
    soak_s=$(seconds "$soak")
    local registry=()
    [[ -z ${TRIPWIRE_SCHEMA_REGISTRY_URL:-} ]] || registry=(--schema-registry-url "$TRIPWIRE_SCHEMA_REGISTRY_URL")
    IFS=, read -r -a ladder <<< "$steps"
    for step in "${ladder[@]}"; do
        [[ $step =~ ^[0-9]+$ && $step -le 100 ]] || { echo "--steps must be percents 0..100, got '$step'" >&2; exit 2; }
        local line tmp
        line=$(printf '{"type":"rollout","ts":"%s","tenant":"%s","wave":"A","stepPercent":%d,"previousPercent":%d%s%s}' \
            "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" "$tenant" "$step" "$previous" \
            "$([[ -z $region ]] || printf ',"region":"%s"' "$region")" "$([[ -z $version ]] || printf ',"version":"%s"' "$version")")
        tmp=$(mktemp)
        printf '%s\n' "$line" > "$tmp"
        printf 'would shift %s%% of tenant %q%s traffic to %s\n' "$step" "$tenant" "$([[ -z $region ]] || echo " ($region)")" "${version:-the new version}"
        "$tripwire" produce --input "$tmp" --bootstrap-server "$bootstrap" "${registry[@]}" >/dev/null
        rm -f "$tmp"
        previous=$step
        [[ $step -lt 100 ]] || { echo "tenant $tenant at 100%"; return 0; }
        local waited=0 verdict
        while :; do
            sleep "$every"
            waited=$((waited + every))
            set +e
            "$tripwire" gate --canary --tenant "$tenant" --window 1d --bootstrap-server "$bootstrap" "${registry[@]}" > /dev/null
            verdict=$?
            set -e
            case $verdict in
                0) echo "step $step%: canary PASS after ${waited}s"; break ;;
                1) echo "step $step%: canary FAIL (the engine rolls it back): ramp stopped" >&2; exit 1 ;;
                3) if [[ $waited -ge $soak_s ]]; then echo "step $step%: INCONCLUSIVE after the ${soak} soak: moving on"; break; fi ;;
                *) echo "step $step%: gate --canary failed (exit $verdict): ramp stopped" >&2; exit 2 ;;
            esac
        done
    done
}

unfreeze() {
    [[ -n $token ]] || usage
    local key=${TRIPWIRE_APPROVER_KEY:-} key_id=${TRIPWIRE_APPROVER_KEY_ID:-} here tripwire
    [[ -n $key && -n $key_id ]] || { echo "unfreeze signs an approval: set TRIPWIRE_APPROVER_KEY (private PEM) and TRIPWIRE_APPROVER_KEY_ID" >&2; exit 2; }
    [[ -r $key ]] || { echo "TRIPWIRE_APPROVER_KEY: cannot read $key" >&2; exit 2; }
    here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    tripwire="${TRIPWIRE:-$here/../../tripwire}"
    local registry=()
    [[ -z ${TRIPWIRE_SCHEMA_REGISTRY_URL:-} ]] || registry=(--schema-registry-url "$TRIPWIRE_SCHEMA_REGISTRY_URL")
    "$tripwire" override --tenant "$tenant" --tripwire error-budget --token "$token" --by "${TRIPWIRE_APPROVER:-${USER:-$(id -un)}}" \
        --signing-key "$key" --key-id "$key_id" --valid-for "$valid_for" \
        --bootstrap-server "${TRIPWIRE_BOOTSTRAP_SERVERS:-localhost:9092}" "${registry[@]}"
}

if [[ $cmd == ramp ]]; then
    ramp
    exit 0
fi
if [[ $cmd == unfreeze ]]; then
    unfreeze
    exit 0
fi
action_id=${ACTION_ID:?ACTION_ID must be set: it is the idempotency key}

case $cmd in
    rollback)
        [[ -n $to ]] || usage
        [[ $to == prev || $to =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "--to must be a percent or prev, got '$to'" >&2; exit 2; }
        printf 'would roll back tenant %q%s to %s%s (idempotency key %s)\n' "$tenant" "$([[ -z $region ]] || echo " in $region")" \
            "$to" "$([[ $to == prev ]] || echo '%')" "$action_id"
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
