#!/usr/bin/env python3
"""Writes canary.jsonl: a canary rollout that only the canary judgement catches, deterministic.

The story (see README.md beside this file): TENANT_006's gateways label every request with the
version that served it (OpenTelemetry's service.version); the rollout steps name the version they
roll out, so the engine tells canary from baseline by version.
  10:00  2% of traffic to v2, whose READs are 1.6x slower and which fails 28x as often (0.56% vs 0.02%)
  10:12  the team rolls the step back to 0% and ships v2.1
  10:15  2% to v2.1 (healthy), 10:30 10% to v2.1, until 10:45
The tenant-level tripwires see the blend (0.03% failing against the 0.04% the error budget allows,
and a p95 a 2% canary cannot move): they stay silent.
Run: python3 test-data/make_canary.py > test-data/canary.jsonl
"""
import json
import math
import random
from datetime import datetime, timedelta, timezone

T0 = datetime(2025, 10, 20, 10, 0, 0, tzinfo=timezone.utc)
rnd = random.Random(20251020)
TENANT = "TENANT_006"
RATE = 15  # READ requests a second
events = []


def ts(t):
    return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def at(minutes):
    return T0 + timedelta(minutes=minutes)


# (start minute, canary share, canary version, regressed)
STAGES = [(-5, 0.0, None, False), (0, 0.02, "v2", True), (12, 0.0, None, False), (15, 0.02, "v2.1", False), (30, 0.10, "v2.1", False)]
END = 45


def stage_at(m):
    current = STAGES[0]
    for s in STAGES:
        if m >= s[0]:
            current = s
    return current


for start, share, version, _ in STAGES[1:]:
    previous = [s for s in STAGES if s[0] < start][-1][1]
    step = {"type": "rollout", "ts": ts(at(start)), "tenant": TENANT, "wave": "B", "region": "eu-west-1",
            "stepPercent": round(share * 100), "previousPercent": round(previous * 100)}
    if version:
        step["version"] = version
    events.append((at(start), step))

n = RATE * 60 * (END - STAGES[0][0])
for i in range(n):
    t = at(STAGES[0][0]) + timedelta(milliseconds=round(i * 1000 / RATE))
    m = (t - T0).total_seconds() / 60
    start, share, version, regressed = stage_at(m)
    canary = version is not None and rnd.random() < share
    op = "READ"
    bad = rnd.random() < (0.0056 if canary and regressed else 0.0002)
    median = (120 if op == "READ" else 240) * (1.6 if canary and regressed and op == "READ" else 1.0)
    latency = max(1, min(1000, round(median * math.exp(rnd.gauss(0, 0.35)))))
    events.append((t, {"type": "request", "ts": ts(t), "tenant": TENANT, "service": "api", "op": op,
                       "status": 503 if bad else 200, "latencyMs": latency, "version": version if canary else "v1"}))

events.sort(key=lambda e: e[0])
for _, line in events:
    print(json.dumps(line, separators=(",", ":")))
