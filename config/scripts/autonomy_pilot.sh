#!/usr/bin/env bash
# The autonomy pilot's loop (README "The autonomy pilot"; runbook "Autonomy drift"): simulate beside
# production, approve, enact, fall back when it drifts. Example script: the lines that say "would ..."
# stand in for the pilot's own controls; replace them with the real calls.
#
# The packet's operator commands (`autonomy_pilot.sh COMMAND --help` explains each):
#
#   autonomy_pilot.sh enable   --tenant T --simulate 60m [--scope S]
#   autonomy_pilot.sh enact    --tenant T --approval-token TOKEN [--valid-for 1h]
#   autonomy_pilot.sh status   --tenant T [--window 24h] [--metrics autonomy,compensation,hitl] [--at TS] [--json]
#   autonomy_pilot.sh simulate --tenant T [--window 24h] [--compare production] [--at TS] [--json]
#
#   enact, status and simulate ask `tripwire gate --autonomy` (the engine's own figures, replayed from
#   the cluster's topics); enact sends the approval to enact only when the gate says the simulation
#   passed, as a signed override of simulation-delta (tripwire override).
#
# The executor's handlers (config/executor.yaml; run without a shell, with ACTION_ID set: pass ACTION_ID
# on as the idempotency key, because the same action can arrive twice after a crash):
#
#   autonomy_pilot.sh throttle --tenant T --to 0.25   (THROTTLE_AUTONOMY: fraction of autonomous ops allowed, 0..1)
#   autonomy_pilot.sh enter-simulate --tenant T       (ENTER_SIMULATE: back to simulate mode)
#   autonomy_pilot.sh block --tenant T                (BLOCK_ENACT: no enacting until a simulation passes again)
#
#   ENTER_SIMULATE's handler was `simulate --tenant T` before the packet's `simulate` report took the
#   name. An executor config of that time still works: `simulate` with ACTION_ID set and none of the
#   report's options (--window, --compare, --at, --json) runs the handler, with a note to update it.
set -euo pipefail

me=$(basename "$0")

main_help() {
    cat <<EOF
$me: the autonomy pilot's loop, on tripwire's gate (README "The autonomy pilot").

  1. $me enable --tenant T --simulate 60m
       start the pilot in SIMULATE mode: it proposes beside production and enacts nothing
  2. $me simulate --tenant T --window 24h --compare production
       the simulation delta: how many of its proposals production did otherwise (PASS below 0.5%)
  3. $me enact --tenant T --approval-token TOKEN
       once the simulation passed: send the signed approval to enact, then switch to ENACT
  4. $me status --tenant T --window 24h --metrics autonomy,compensation,hitl
       while it enacts (weekly review): autonomy rate, compensation rate, HITL overrides
  The engine falls back on its own: a drifting simulation fires simulation-delta (BLOCK_ENACT),
  compensations fire autonomy-compensation (THROTTLE_AUTONOMY, ENTER_SIMULATE), and enacting without
  an approval in force fires unapproved-enact. The executor runs those actions through this script:
  throttle, enter-simulate and block (with ACTION_ID set; see the top of the script).

Commands: enable, enact, status, simulate ($me COMMAND --help for each).

Environment:
  TRIPWIRE                      the tripwire command (default: the repository's ./tripwire)
  TRIPWIRE_BOOTSTRAP_SERVERS    the cluster (default localhost:9092)
  TRIPWIRE_SCHEMA_REGISTRY_URL  its schema registry (for Avro records)
  TRIPWIRE_COMMAND_CONFIG       Kafka client properties (security), as --command-config
  TRIPWIRE_RULES                the rules file the engine runs (thresholds, guard, approvers)
  TRIPWIRE_FORMAT               how enact writes the approval: avro (default) or json
  TRIPWIRE_APPROVER_KEY, TRIPWIRE_APPROVER_KEY_ID, TRIPWIRE_APPROVER   enact's signer (see enact --help)
EOF
}

enable_help() {
    cat <<EOF
usage: $me enable --tenant T --simulate DURATION [--scope S]

Starts the tenant's autonomy pilot in SIMULATE mode for DURATION (e.g. 60m): it proposes beside
production and enacts nothing; each proposal is an autonomy decision with mode SIMULATE, and a
later COMPENSATED says production did otherwise. This example prints what it would do and the next
step; it reads and sends nothing.

Options:
  --tenant T            the pilot's tenant
  --simulate DURATION   how long to simulate, e.g. 60m, 24h (whole s, m, h or d)
  --scope S             what the pilot may act on, e.g. read-only-derived (passed to the pilot)

Example:
  $me enable --tenant TENANT_001 --scope read-only-derived --simulate 60m

Exit codes: 0 done; 2 bad command line.
EOF
}

enact_help() {
    cat <<EOF
usage: $me enact --tenant T --approval-token TOKEN [--valid-for DURATION]

Approves the tenant's pilot to enact, only after its simulation passed. First it asks
  tripwire gate --autonomy --tenant T --check simulation
over the engine's autonomy window (24h with the shipped rules: the window the engine judges an
approval on). Unless the gate says PASS (the simulation delta significantly below 0.5%), it refuses
with the gate's figure and sends nothing. On PASS it sends the approval to enact, a signed,
single-use override of simulation-delta (tripwire override: SPEC 3 "Human approvals"), then prints
what it would do to switch the pilot to ENACT.

The engine judges the approval again when it arrives (on the whole minutes before it): an approval
it refuses, from this script or sent around it, is dead-lettered (override-simulation-not-passed)
with an AUDIT_EVENT, and ENACT decisions without an approval in force fire unapproved-enact
(THROTTLE_AUTONOMY to 0, ENTER_SIMULATE). status shows which approvals were honoured.

Options:
  --tenant T              the pilot's tenant
  --approval-token TOKEN  the approval's ticket or token id, used once per tenant
  --valid-for DURATION    the approval is void after now + DURATION (default 1h)

Environment: TRIPWIRE_APPROVER_KEY (the approver's Ed25519 private key, PEM: tripwire keys
--approver makes one), TRIPWIRE_APPROVER_KEY_ID (its key id in the rules' approvers, allowed
simulation-delta), TRIPWIRE_APPROVER (who approves, default \$USER); the cluster as in $me --help.

Example:
  TRIPWIRE_APPROVER_KEY=pilot-keys/private.pem TRIPWIRE_APPROVER_KEY_ID=pilot-2026 \\
      $me enact --tenant TENANT_001 --approval-token CHG-1234

Exit codes: 0 approval sent; 1 refused: the simulation has not passed (the gate said FAIL or
INCONCLUSIVE), nothing sent; 2 error (bad command line, no key, the gate or the cluster failed).
EOF
}

status_help() {
    cat <<EOF
usage: $me status --tenant T [--window DURATION] [--metrics LIST] [--at TS] [--json]

The pilot's figures over the window ending at --at (default now), from tripwire gate --autonomy:
each ratio with its verdict (PASS significantly on the good side of its target, FAIL significantly
on the bad side, INCONCLUSIVE not yet either, n/a no ops of its mode), its counts, e-values and
target; then the approvals to enact (honoured or refused) and the loop's tripwires that fired.

Options:
  --tenant T          the pilot's tenant
  --window DURATION   how far back, e.g. 24h, 7d (default 24h)
  --metrics LIST      comma-separated, in the order to show (default autonomy,compensation,hitl):
                        autonomy      AUTONOMOUS / decided ENACT ops, target >= 99.9%
                        compensation  COMPENSATED / decided ENACT ops, target < 0.5%
                        simulation    the simulation delta, target < 0.5%
                        hitl          ENACT ops a human stepped into (a count: decides nothing)
  --at TS             end of the window, ISO-8601 (default now)
  --json              the gate's JSON instead of the table (for pipelines)

Examples:
  $me status --tenant TENANT_001 --window 24h --metrics autonomy,compensation,hitl
  $me status --tenant TENANT_001 --window 7d          # the weekly pilot review

Exit codes: the gate's verdict over the ratios asked for: 0 PASS, 1 FAIL, 3 INCONCLUSIVE;
0 when only hitl is asked for; 2 error (bad command line, the cluster or the gate failed).
EOF
}

simulate_help() {
    cat <<EOF
usage: $me simulate --tenant T [--window DURATION] [--compare production] [--at TS] [--json]

The simulation delta over the window ending at --at (default now): of the pilot's decided SIMULATE
proposals, how many production did otherwise (COMPENSATED), against 0.5%, from
tripwire gate --autonomy --check simulation. PASS: significantly below 0.5% (an approval to enact
is honoured); FAIL: significantly above (the engine fires simulation-delta: ALERT, BLOCK_ENACT);
INCONCLUSIVE: too few proposals to tell yet; n/a: no proposals in the window.

Options:
  --tenant T            the pilot's tenant
  --window DURATION     how far back, e.g. 24h (default 24h, the window the engine judges approvals on)
  --compare production  what the proposals are compared with: production, the only comparison the
                        engine keeps (SPEC 2: COMPENSATED in SIMULATE mode); the default
  --at TS               end of the window, ISO-8601 (default now)
  --json                the gate's JSON instead of the summary

Example (runbook "Autonomy drift"):
  $me simulate --tenant TENANT_001 --window 24h --compare production

Exit codes: 0 PASS, 1 FAIL, 3 INCONCLUSIVE (or no proposals), 2 error.
EOF
}

handlers_help() {
    cat <<EOF
usage: $me throttle --tenant T --to FRACTION | enter-simulate --tenant T | block --tenant T

The executor's handlers for THROTTLE_AUTONOMY, ENTER_SIMULATE and BLOCK_ENACT (config/executor.yaml).
They run with ACTION_ID set (the idempotency key) and print what they would do to the pilot.

Exit codes: 0 done; 2 bad command line or no ACTION_ID.
EOF
}

# One line naming what is wrong and where to look; exit 2.
die_usage() {
    echo "$me${cmd:+ $cmd}: $* (see $me ${cmd:+$cmd }--help)" >&2
    exit 2
}

[[ $# -ge 1 ]] || { main_help >&2; exit 2; }
cmd=$1
shift
case $cmd in
    -h|--help|help) main_help; exit 0 ;;
    enable|enact|status|simulate|throttle|enter-simulate|block) ;;
    *) unknown=$cmd; cmd=""; die_usage "unknown command '$unknown'; use enable, enact, status or simulate (the executor's: throttle, enter-simulate, block)" ;;
esac
for a in "$@"; do
    if [[ $a == -h || $a == --help ]]; then
        case $cmd in
            enable) enable_help ;;
            enact) enact_help ;;
            status) status_help ;;
            simulate) simulate_help ;;
            *) handlers_help ;;
        esac
        exit 0
    fi
done

tenant="" to="" simulate_for="" scope="" token="" valid_for="1h" window="24h" metrics="autonomy,compensation,hitl"
compare="production" at="" json=false
given=()
while [[ $# -gt 0 ]]; do
    opt=$1
    case $opt in
        --json) json=true; given+=("$opt"); shift; continue ;;
        --tenant|--to|--simulate|--scope|--approval-token|--valid-for|--window|--metrics|--compare|--at) ;;
        *) die_usage "unknown option or argument '$opt'" ;;
    esac
    [[ $# -ge 2 && $2 != --* ]] || die_usage "$opt needs a value"
    case $opt in
        --tenant) tenant=$2 ;;
        --to) to=$2 ;;
        --simulate) simulate_for=$2 ;;
        --scope) scope=$2 ;;
        --approval-token) token=$2 ;;
        --valid-for) valid_for=$2 ;;
        --window) window=$2 ;;
        --metrics) metrics=$2 ;;
        --compare) compare=$2 ;;
        --at) at=$2 ;;
    esac
    given+=("$opt")
    shift 2
done

# only OPTION...: refuses any option given that the command does not take
only() {
    local g ok o
    for g in "${given[@]+"${given[@]}"}"; do
        ok=false
        for o in "$@"; do [[ $g == "$o" ]] && ok=true; done
        $ok || die_usage "$g is not an option of $cmd"
    done
}

was_given() {
    local g
    for g in "${given[@]+"${given[@]}"}"; do [[ $g == "$1" ]] && return 0; done
    return 1
}

duration() { # duration OPTION VALUE: whole seconds, minutes, hours or days, more than 0
    [[ $2 =~ ^[0-9]+[smhd]$ && ! $2 =~ ^0+[smhd]$ ]] || die_usage "$1 must be a duration such as 60m, 24h or 7d, got '$2'"
}

need_tenant() {
    [[ -n $tenant ]] || die_usage "--tenant is required"
}

# --- the gate ---------------------------------------------------------------------------------

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tripwire="${TRIPWIRE:-$here/../../tripwire}"
cluster=(--bootstrap-server "${TRIPWIRE_BOOTSTRAP_SERVERS:-localhost:9092}")
[[ -z ${TRIPWIRE_SCHEMA_REGISTRY_URL:-} ]] || cluster+=(--schema-registry-url "$TRIPWIRE_SCHEMA_REGISTRY_URL")
[[ -z ${TRIPWIRE_COMMAND_CONFIG:-} ]] || cluster+=(--command-config "$TRIPWIRE_COMMAND_CONFIG")
# the engine's rules decide thresholds, guard and approvers: the gate and the approval must read the same ones
rules=()
[[ -z ${TRIPWIRE_RULES:-} ]] || rules=(--rules "$TRIPWIRE_RULES")

gate_out="" gate_exit=0
# gate ARGS...: tripwire gate --autonomy for the tenant; its table (or JSON) in gate_out, its exit code in gate_exit
gate() {
    set +e
    gate_out=$("$tripwire" gate --autonomy --tenant "$tenant" "$@" "${rules[@]+"${rules[@]}"}" "${cluster[@]}")
    gate_exit=$?
    set -e
}

# Reads the gate's table (AutonomyGate's layout) into: header_from, header_to, header_verdict;
# verdict[check], figure[check], target[check] for "simulation delta", "autonomy rate",
# "compensation rate"; hitl (the HITL line); others (approvals, refusals, loop tripwires).
declare -A verdict=() figure=() target=()
header_from="" header_to="" header_verdict="" hitl="" others=()
read_table() {
    local line last="" re_head='^gate --autonomy [^ ]+ over ([^ ]+) \.\. ([^ ]+): ([A-Z]+)$'
    local re_row='^  (PASS|FAIL|INCONCLUSIVE|n/a) +(simulation delta|autonomy rate|compensation rate) +(.*)$'
    local re_rule='^ +rule: ([^:]+):' re_hitl='^  hitl overrides: (.*)$' re_other='^  (approval|approvals to enact|refused|loop tripwires fired)'
    while IFS= read -r line; do
        if [[ $line =~ $re_head ]]; then
            header_from=${BASH_REMATCH[1]} header_to=${BASH_REMATCH[2]} header_verdict=${BASH_REMATCH[3]}
        elif [[ $line =~ $re_row ]]; then
            last=${BASH_REMATCH[2]}
            verdict[$last]=${BASH_REMATCH[1]}
            figure[$last]=${BASH_REMATCH[3]}
        elif [[ -n $last && $line =~ $re_rule ]]; then
            target[$last]=${BASH_REMATCH[1]}
            last=""
        elif [[ $line =~ $re_hitl ]]; then
            hitl=${BASH_REMATCH[1]}
        elif [[ $line =~ $re_other ]]; then
            others+=("$line")
        fi
    done <<< "$gate_out"
    [[ -n $header_verdict ]] || { echo "$me $cmd: tripwire gate printed no verdict (exit $gate_exit)" >&2; exit 2; }
}

gate_failed() { # the gate could not answer: its own message is on stderr already
    echo "$me $cmd: tripwire gate --autonomy failed (exit $gate_exit); see its message above" >&2
    exit 2
}

# --- the packet's commands --------------------------------------------------------------------

cmd_enable() {
    only --tenant --simulate --scope
    need_tenant
    [[ -n $simulate_for ]] || die_usage "--simulate DURATION is required, e.g. 60m"
    duration --simulate "$simulate_for"
    printf 'would start the autonomy pilot of tenant %q%s in SIMULATE mode for %s: it proposes beside production and enacts nothing\n' \
        "$tenant" "$([[ -z $scope ]] || printf ' (scope %s)' "$scope")" "$simulate_for"
    echo "next: when the simulation has run, see whether it passed (the simulation delta significantly below 0.5%;"
    echo "      with the shipped rules about 800 proposals, none of which production did otherwise):"
    printf '        %s simulate --tenant %q --window 24h --compare production\n' "$me" "$tenant"
    echo "      then an approver sends the approval to enact:"
    printf '        %s enact --tenant %q --approval-token TOKEN\n' "$me" "$tenant"
}

cmd_enact() {
    only --tenant --approval-token --valid-for
    need_tenant
    [[ -n $token ]] || die_usage "--approval-token TOKEN is required: the approval's ticket or token id"
    duration --valid-for "$valid_for"
    local key=${TRIPWIRE_APPROVER_KEY:-} key_id=${TRIPWIRE_APPROVER_KEY_ID:-} format=()
    [[ -n $key && -n $key_id ]] || die_usage "enact signs an approval: set TRIPWIRE_APPROVER_KEY (private PEM) and TRIPWIRE_APPROVER_KEY_ID"
    [[ -r $key ]] || die_usage "TRIPWIRE_APPROVER_KEY: cannot read $key"
    case ${TRIPWIRE_FORMAT:-} in
        "") ;;
        avro|json) format=(--format "$TRIPWIRE_FORMAT") ;;
        *) die_usage "TRIPWIRE_FORMAT must be avro or json, got '$TRIPWIRE_FORMAT'" ;;
    esac

    # the engine's own window (the gate's default with --autonomy): what it will judge the approval on
    gate --check simulation
    case $gate_exit in
        0|1|3) read_table ;;
        *) gate_failed ;;
    esac
    local fig=${figure["simulation delta"]:-no figure}
    case $gate_exit in
        1)
            printf '%s enact: refused, nothing sent: the simulation of tenant %q FAILs (delta significantly above 0.5%%): %s; the engine blocks enacting (simulation-delta BLOCK_ENACT): runbook "Autonomy drift"\n' \
                "$me" "$tenant" "$fig" >&2
            exit 1 ;;
        3)
            printf '%s enact: refused, nothing sent: the simulation of tenant %q has not passed (%s): %s; it passes once the delta is significantly below 0.5%%: let it simulate longer, then run enact again\n' \
                "$me" "$tenant" "${verdict["simulation delta"]:-INCONCLUSIVE}" "$fig" >&2
            exit 1 ;;
    esac
    printf 'simulation of tenant %q passed: %s\n' "$tenant" "$fig"

    set +e
    "$tripwire" override --tenant "$tenant" --tripwire simulation-delta --token "$token" --by "${TRIPWIRE_APPROVER:-${USER:-$(id -un)}}" \
        --signing-key "$key" --key-id "$key_id" --valid-for "$valid_for" "${rules[@]+"${rules[@]}"}" "${format[@]+"${format[@]}"}" "${cluster[@]}"
    local sent=$?
    set -e
    if [[ $sent -ne 0 ]]; then
        echo "$me enact: the approval was not sent (tripwire override exit $sent); see its message above" >&2
        exit 2
    fi
    printf 'would switch the autonomy pilot of tenant %q to ENACT mode (approval %s)\n' "$tenant" "$token"
    printf 'the engine judges the approval when it arrives; %s status --tenant %q shows it honoured or refused\n' "$me" "$tenant"
}

cmd_status() {
    only --tenant --window --metrics --at --json
    need_tenant
    duration --window "$window"
    local m checks=() names=()
    IFS=, read -r -a names <<< "$metrics"
    [[ ${#names[@]} -gt 0 ]] || die_usage "--metrics needs at least one of autonomy, compensation, simulation, hitl"
    for m in "${names[@]}"; do
        case $m in
            autonomy|compensation|simulation) checks+=("$m") ;;
            hitl) ;;
            *) die_usage "--metrics: '$m' is not a metric; use autonomy, compensation, simulation, hitl" ;;
        esac
    done
    local decide=true
    # hitl alone: the ENACT checks give its count; a count decides nothing
    [[ ${#checks[@]} -gt 0 ]] || { checks=(enact); decide=false; }
    local args=(--window "$window" --check "$(IFS=,; echo "${checks[*]}")")
    [[ -z $at ]] || args+=(--at "$at")
    if $json; then
        gate "${args[@]}" --json
        case $gate_exit in 0|1|3) ;; *) gate_failed ;; esac
        printf '%s\n' "$gate_out"
        $decide && exit "$gate_exit"
        exit 0
    fi
    gate "${args[@]}"
    case $gate_exit in 0|1|3) read_table ;; *) gate_failed ;; esac
    if $decide; then
        printf 'autonomy pilot of tenant %q over %s .. %s: %s\n' "$tenant" "$header_from" "$header_to" "$header_verdict"
    else
        printf 'autonomy pilot of tenant %q over %s .. %s\n' "$tenant" "$header_from" "$header_to"
    fi
    local name
    for m in "${names[@]}"; do
        case $m in
            autonomy) name="autonomy rate" ;;
            compensation) name="compensation rate" ;;
            simulation) name="simulation delta" ;;
            hitl) printf '  %-18s %-13s %s\n' "hitl overrides" "" "$hitl"; continue ;;
        esac
        printf '  %-18s %-13s %s (target: %s)\n' "$name" "${verdict[$name]}" "${figure[$name]}" "${target[$name]#"$name "}"
    done
    local o
    for o in "${others[@]+"${others[@]}"}"; do
        printf '%s\n' "$o"
    done
    $decide && exit "$gate_exit"
    exit 0
}

cmd_simulate() {
    only --tenant --window --compare --at --json
    need_tenant
    duration --window "$window"
    [[ $compare == production ]] || die_usage "--compare: only 'production' (the engine compares the pilot's proposals with what production did), got '$compare'"
    local args=(--window "$window" --check simulation)
    [[ -z $at ]] || args+=(--at "$at")
    if $json; then
        gate "${args[@]}" --json
        case $gate_exit in 0|1|3) ;; *) gate_failed ;; esac
        printf '%s\n' "$gate_out"
        exit "$gate_exit"
    fi
    gate "${args[@]}"
    case $gate_exit in 0|1|3) read_table ;; *) gate_failed ;; esac
    local v=${verdict["simulation delta"]}
    printf 'simulation delta of tenant %q over %s .. %s, proposals compared with production: %s\n' "$tenant" "$header_from" "$header_to" "$v"
    printf '  %s (target: %s)\n' "${figure["simulation delta"]}" "${target["simulation delta"]#simulation delta }"
    case $v in
        PASS) echo "  significantly below 0.5%: an approval to enact is honoured (over the 24h before it): $me enact --tenant $tenant --approval-token TOKEN" ;;
        FAIL) echo "  significantly above 0.5%: the engine fires simulation-delta (ALERT, BLOCK_ENACT) and refuses approvals; keep the pilot simulating and open a task for its rules or features" ;;
        INCONCLUSIVE) echo "  not yet significantly below or above 0.5%: too few proposals to tell; let it simulate longer" ;;
        n/a) echo "  no decided SIMULATE proposals in the window: is the pilot simulating?" ;;
    esac
    local o
    for o in "${others[@]+"${others[@]}"}"; do
        [[ $o != "  loop tripwires fired:"* ]] || printf '%s\n' "$o"
    done
    exit "$gate_exit"
}

# --- the executor's handlers ------------------------------------------------------------------

handler() {
    if [[ $1 == throttle ]]; then only --tenant --to; else only --tenant; fi
    need_tenant
    local action_id=${ACTION_ID:-}
    [[ -n $action_id ]] || die_usage "ACTION_ID must be set: the executor's handlers pass it on as the idempotency key"
    case $1 in
        throttle)
            [[ $to =~ ^(0(\.[0-9]+)?|1(\.0+)?)$ ]] || die_usage "--to must be a fraction in 0..1, got '$to'"
            printf 'would throttle autonomous ops of tenant %q to %s (idempotency key %s)\n' "$tenant" "$to" "$action_id"
            ;;
        enter-simulate)
            printf 'would put the autonomy pilot of tenant %q back into simulate mode (idempotency key %s)\n' "$tenant" "$action_id"
            ;;
        block)
            printf 'would block enacting by the autonomy pilot of tenant %q until a simulation passes again (idempotency key %s)\n' "$tenant" "$action_id"
            ;;
    esac
}

case $cmd in
    enable) cmd_enable ;;
    enact) cmd_enact ;;
    status) cmd_status ;;
    simulate)
        # an executor config written before the rename: ENTER_SIMULATE as `simulate --tenant T`, with ACTION_ID
        if [[ -n ${ACTION_ID:-} ]] && ! was_given --window && ! was_given --compare && ! was_given --at && ! was_given --json; then
            echo "$me: 'simulate' as ENTER_SIMULATE's handler is now 'enter-simulate': update the executor config" >&2
            cmd=enter-simulate
            handler enter-simulate
        else
            cmd_simulate
        fi
        ;;
    throttle|enter-simulate|block) handler "$cmd" ;;
esac
