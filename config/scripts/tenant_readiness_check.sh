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
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tripwire="${TRIPWIRE:-$here/../../tripwire}"
exec "$tripwire" gate --bootstrap-server "${TRIPWIRE_BOOTSTRAP_SERVERS:-localhost:9092}" "$@"
