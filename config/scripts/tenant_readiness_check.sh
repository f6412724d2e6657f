#!/usr/bin/env bash
# The packet's readiness check, on tripwire's gate: run before each wave of aa_expansion_rollout.sh.
#
#   tenant_readiness_check.sh --tenant TENANT_004 --window 14d --slo 0.994      -> PASS / FAIL / INCONCLUSIVE
#
# Reads the cluster's input topics (TRIPWIRE_BOOTSTRAP_SERVERS, TRIPWIRE_SCHEMA_REGISTRY_URL); every
# other option is passed on to `tripwire gate` (--read-p95 350ms, --write-p95 700ms, --at TS, --json).
# Exit code as the gate's: 0 PASS, 1 FAIL, 3 INCONCLUSIVE (not enough traffic to tell), 2 error.
# A rollout script treats anything but 0 as "do not start the wave":
#
#   if tenant_readiness_check.sh --tenant "$T" --window 14d --slo 0.994; then
#       aa_expansion_rollout.sh --wave A --tenant "$T" --canary 0.02 ...
#   fi
#
# The packet's warm-up target ("hit% >= 92% under the P95 target" before Wave B) applies to the tenants
# with a cache warm plan: for each tenant in TRIPWIRE_CACHE_WARM_TENANTS (comma-separated; default
# TENANT_004, the packet's) the gate also checks --cache-hit TRIPWIRE_CACHE_HIT (default 0.92), unless
# the command line gives --cache-hit itself. TRIPWIRE_CACHE_WARM_TENANTS="" checks no tenant's cache.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tripwire="${TRIPWIRE:-$here/../../tripwire}"

tenant=""
has_cache_hit=false
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[i]}" in
        --tenant) tenant="${args[i + 1]:-}" ;;
        --tenant=*) tenant="${args[i]#--tenant=}" ;;
        --cache-hit | --cache-hit=*) has_cache_hit=true ;;
    esac
done

extra=()
warm_tenants="${TRIPWIRE_CACHE_WARM_TENANTS-TENANT_004}"
if [[ -n $tenant && $has_cache_hit == false && ",$warm_tenants," == *",$tenant,"* ]]; then
    extra=(--cache-hit "${TRIPWIRE_CACHE_HIT:-0.92}")
fi
exec "$tripwire" gate --bootstrap-server "${TRIPWIRE_BOOTSTRAP_SERVERS:-localhost:9092}" "$@" "${extra[@]}"
