#!/usr/bin/env python3
"""Writes wave-a.jsonl: one hour of canary Wave A (2025-10-06 10:00-11:00 UTC), deterministic.

The story (see README.md beside this file):
  TENANT_004  canary at 10%: from 10:20 5% of API requests fail (error budget, burn rates),
              READ p95 rises to ~420 ms from 10:25 to 10:50, replica db-2 lags 70-90 s from 10:30
              to 10:45, and at 10:40 the rollout script tries to ramp it to 25% while frozen. Its cache,
              cold after the step, stays under the 92% hit target from 10:05 to 10:17 (cache-hit).
  TENANT_001  the autonomy pilot simulates 09:00-10:00 (1,200 proposals, none differing); an approval to
              enact at 09:30 is refused (simulation not yet passed), the one at 09:55 is honoured; it enacts
              from 10:00, gets compensated every minute from 10:30 to 10:35 (throttled and sent back to
              simulate at 10:35:05, which ends the approval: it obeys); humans step in at 10:36, 10:37, 10:38.
  TENANT_005  a residency DENY at 10:15, another at 10:20; an unsigned override at 10:21 (refused), the DPO's
              signed override at 10:25 (honoured), the same approval sent again at 10:30 (refused: token
              reused); a purpose DENY at 10:40.
  TENANT_003  its ingest service fails 2% of requests all hour (error-budget, ingest-errors); its autonomy
              pilot enacts from 10:45 without an approval (unapproved-enact).
  TENANT_002  healthy, its pilot only simulating: nothing fires (its cache dips under 92% for 8 minutes
              from 10:30, too short to fire).
  every tenant reports its cost budget use every 5 minutes; TENANT_003's retries take it over 80% at 10:50.
Run: python3 test-data/make_wave_a.py > test-data/wave-a.jsonl   (needs the cryptography package, to sign)
The overrides are signed with story-keys/private.pem (key id dpo-2025) and, the pilot's approvals,
story-keys/pilot-private.pem (key id pilot-2025), which story-rules.yaml trusts.
"""
import base64
import json
import math
import os
import random
from datetime import datetime, timedelta, timezone

T0 = datetime(2025, 10, 6, 10, 0, 0, tzinfo=timezone.utc)
rnd = random.Random(20251006)
events = []


def ts(t):
    return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def java_instant(t):
    """An instant as Java's Instant.toString writes it: the signed text of an override uses that form."""
    ms = t.microsecond // 1000
    base = t.strftime("%Y-%m-%dT%H:%M:%S")
    return base + ("" if ms == 0 else ".%03d" % ms) + "Z"


def signed_override(t, not_after, key_file="private.pem", key_id="dpo-2025", **fields):
    """A HumanOverride signed as SPEC 3 says: Ed25519 over the canonical JSON (keys sorted) without signature."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    key_file = os.path.join(os.path.dirname(os.path.abspath(__file__)), "story-keys", key_file)
    with open(key_file, "rb") as f:
        key = load_pem_private_key(f.read(), password=None)
    record = dict(type="override", ts=java_instant(t), keyId=key_id, notAfter=java_instant(not_after), **fields)
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return dict(record, signature=base64.b64encode(key.sign(text.encode("utf-8"))).decode("ascii"))


def add(t, **fields):
    events.append((t, fields))


def minute(m, s=0.0):
    return T0 + timedelta(minutes=m, seconds=s)


def lognormal(median_ms, sigma=0.35):
    return round(median_ms * math.exp(rnd.gauss(0, sigma)), 1)


for tenant in ("TENANT_001", "TENANT_002", "TENANT_003", "TENANT_004", "TENANT_005"):
    add(T0 - timedelta(hours=1), type="rollout", tenant=tenant, wave="A", region="eu-west-1", stepPercent=10, previousPercent=2)

# API traffic: one READ and one WRITE request every 2 s per tenant
for tenant in ("TENANT_001", "TENANT_002", "TENANT_003", "TENANT_004", "TENANT_005"):
    for i in range(1800):
        t = T0 + timedelta(seconds=2 * i, milliseconds=rnd.randrange(0, 900))
        mins = (t - T0).total_seconds() / 60
        for op in ("READ", "WRITE"):
            median = 120 if op == "READ" else 240
            status = 200
            if tenant == "TENANT_004":
                if op == "READ" and 25 <= mins < 50:
                    median = 420
                if mins >= 20 and rnd.random() < 0.05:
                    status = 503
            if tenant == "TENANT_002" and op == "READ" and i == 95:
                status = 503  # the marginal case: one 5xx among its first 191 requests, which the guard ignores
            add(t, type="request", tenant=tenant, service="api", op=op, status=status,
                latencyMs=lognormal(median), region="eu-west-1", route="/graphql",
                requestId="%s-%s-%d" % (tenant, op[0], i))

# ingest traffic: one WRITE every 3 s per tenant; TENANT_003 fails 1%
for tenant in ("TENANT_002", "TENANT_003", "TENANT_004"):
    for i in range(1200):
        t = T0 + timedelta(seconds=3 * i, milliseconds=rnd.randrange(0, 900))
        status = 500 if tenant == "TENANT_003" and rnd.random() < 0.02 else 202
        add(t, type="request", tenant=tenant, service="ingest", op="WRITE", status=status,
            latencyMs=lognormal(60), region="eu-west-1", route="/ingest", requestId="%s-I-%d" % (tenant, i))

# replica lag every 15 s for two replicas of TENANT_004 (and a healthy one of TENANT_002)
for i in range(240):
    t = T0 + timedelta(seconds=15 * i)
    mins = i / 4
    lag2 = round(70 + 20 * rnd.random(), 1) if 30 <= mins < 45 else round(2 + 3 * rnd.random(), 1)
    add(t, type="metric", tenant="TENANT_004", name="pg_replica_lag_seconds", value=lag2, labels={"replica": "db-2"})
    add(t, type="metric", tenant="TENANT_004", name="pg_replica_lag_seconds", value=round(1 + rnd.random(), 1), labels={"replica": "db-1"})
    add(t, type="metric", tenant="TENANT_002", name="pg_replica_lag_seconds", value=round(1 + rnd.random(), 1), labels={"replica": "db-1"})

# the autonomy pilot of TENANT_001 (the packet's loop): a simulation hour beside production (09:00-10:00, one
# proposal every 3 s, none differing from production), an approval to enact at 09:30 that is refused (600 ops:
# not yet significantly below 0.5%), the approval at 09:55 (honoured), ENACT from 10:00, one decision every 10 s
for i in range(1200):
    t = T0 - timedelta(hours=1) + timedelta(seconds=3 * i, milliseconds=250)
    add(t, type="autonomy", tenant="TENANT_001", opId="TENANT_001-sim-%d" % i, mode="SIMULATE", outcome="AUTONOMOUS")
for m, token in ((-30, "CHG-PILOT-0"), (-5, "CHG-PILOT-1")):
    add(minute(m, 1), **signed_override(minute(m, 1), minute(m + 60, 1), key_file="pilot-private.pem", key_id="pilot-2025",
                                        tenant="TENANT_001", tripwire="simulation-delta", approvalTokenId=token,
                                        by="pilot-lead@example.org"))
# ENACT until autonomy-compensation throttles it and sends it back to simulate (10:35:05): the pilot obeys
for i in range(211):
    t = T0 + timedelta(seconds=10 * i, milliseconds=500)
    add(t, type="autonomy", tenant="TENANT_001", opId="TENANT_001-op-%d" % i, mode="ENACT", outcome="AUTONOMOUS")
for i in range(211, 360):
    t = T0 + timedelta(seconds=10 * i, milliseconds=500)
    add(t, type="autonomy", tenant="TENANT_001", opId="TENANT_001-sim-b-%d" % i, mode="SIMULATE", outcome="AUTONOMOUS")
for m, op in ((30, 100), (31, 104), (32, 108), (33, 112), (34, 116), (35, 120)):
    add(minute(m, 5), type="autonomy", tenant="TENANT_001", opId="TENANT_001-op-%d" % op, mode="ENACT", outcome="COMPENSATED")
for m, n in ((36, 1), (37, 2), (38, 3)):
    add(minute(m, 5), type="autonomy", tenant="TENANT_001", opId="TENANT_001-op-hitl-%d" % n, mode="ENACT", outcome="HITL_OVERRIDE")
# TENANT_002's pilot only simulates, all hour, one proposal every 10 s, none differing: healthy, too few ops to approve yet
for i in range(360):
    t = T0 + timedelta(seconds=10 * i, milliseconds=500)
    add(t, type="autonomy", tenant="TENANT_002", opId="TENANT_002-sim-%d" % i, mode="SIMULATE", outcome="AUTONOMOUS")
# TENANT_003's pilot enacts from 10:45 without an approval (it never simulated): unapproved-enact, once
for i in range(6):
    t = minute(45) + timedelta(seconds=10 * i, milliseconds=500)
    add(t, type="autonomy", tenant="TENANT_003", opId="TENANT_003-op-%d" % i, mode="ENACT", outcome="AUTONOMOUS")

# policy decisions: allows all hour, residency denies, an override, a purpose deny
for i in range(120):
    t = T0 + timedelta(seconds=30 * i, milliseconds=250)
    add(t, type="policy", tenant="TENANT_005", opId="ing-ok-%d" % i, decision="ALLOW", policy="residency",
        residencyZone="eu", dataZone="eu", purpose="analytics")
add(minute(15), type="policy", tenant="TENANT_005", opId="ing-9", decision="DENY", policy="residency",
    residencyZone="eu", dataZone="us", purpose="investigation")
add(minute(20), type="policy", tenant="TENANT_005", opId="ing-10", decision="DENY", policy="residency",
    residencyZone="eu", dataZone="us", purpose="investigation")
# someone with write access to hitl-overrides tries to lift the hold: no signature, refused
add(minute(21), type="override", tenant="TENANT_005", tripwire="residency-violation", approvalTokenId="tok-0",
    by="dpo@example.org")
# the DPO's approval, signed, valid for 30 minutes: it releases the hold
approval = signed_override(minute(25), minute(55), tenant="TENANT_005", tripwire="residency-violation", approvalTokenId="tok-1",
                           by="dpo@example.org")
add(minute(25), **approval)
# the same signed record sent again (a replay): its token was used, refused
again = signed_override(minute(30), minute(55), tenant="TENANT_005", tripwire="residency-violation", approvalTokenId="tok-1",
                        by="dpo@example.org")
add(minute(30), **again)
add(minute(40), type="policy", tenant="TENANT_005", opId="q-77", decision="DENY", policy="purpose",
    residencyZone="eu", dataZone="eu", purpose=None)

# the rollout script tries to ramp TENANT_004 to 25% while its ramp is frozen
add(minute(40), type="rollout", tenant="TENANT_004", wave="A", region="eu-west-1", stepPercent=25, previousPercent=10)

# cache hit ratio every 30 s (TENANT_004 warming up after its step, TENANT_002 healthy with a short dip) and
# cost budget use every 5 minutes; a random stream of their own, so the events above keep their values
crnd = random.Random(2025100626)
for i in range(120):
    t = T0 + timedelta(seconds=30 * i)
    mins = i / 2
    hit4 = round(0.86 + 0.04 * crnd.random(), 3) if 5 <= mins < 17 else round(0.93 + 0.04 * crnd.random(), 3)
    hit2 = round(0.88 + 0.03 * crnd.random(), 3) if 30 <= mins < 38 else round(0.94 + 0.03 * crnd.random(), 3)
    add(t, type="metric", tenant="TENANT_004", name="cache_hit_ratio", value=hit4, labels={"cache": "api-read"})
    add(t, type="metric", tenant="TENANT_002", name="cache_hit_ratio", value=hit2, labels={"cache": "api-read"})
for i in range(12):
    t = T0 + timedelta(minutes=5 * i)
    for n, tenant in enumerate(("TENANT_001", "TENANT_002", "TENANT_003", "TENANT_004", "TENANT_005")):
        used = 0.35 + 0.05 * n + 0.01 * i
        if tenant == "TENANT_003" and i >= 10:
            used = 0.81 + 0.01 * (i - 10)
        add(t, type="metric", tenant=tenant, name="cost_budget_used_ratio", value=round(used, 3))

events.sort(key=lambda e: e[0])
for t, fields in events:
    line = {"type": fields.pop("type"), "ts": fields.pop("ts", ts(t))}
    line.update({k: v for k, v in fields.items() if v is not None})
    print(json.dumps(line, separators=(",", ":")))
