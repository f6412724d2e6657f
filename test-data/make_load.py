#!/usr/bin/env python3
"""Writes N lines of synthetic load in the JSON-lines form, in time order, for replay benchmarks.

Three hours from 2025-10-06 08:00 UTC, 50 tenants: API and ingest requests (0.05% 5xx, 2% for
TENANT_004), a few replica-lag samples and autonomy decisions. Deterministic.
Run: python3 test-data/make_load.py 1000000 > /tmp/load.jsonl   (about 190 MB)
     python3 test-data/make_load.py 1000000 0.1 > /tmp/labelled.jsonl
       the same lines, every request labelled with a cohort (canary with probability 0.1, else baseline),
       for the canary judgement's cost (BENCHMARKS.md); a second random stream, so nothing else changes
"""
import json, random, sys
from datetime import datetime, timedelta, timezone
n=int(sys.argv[1]); rnd=random.Random(7)
share=float(sys.argv[2]) if len(sys.argv)>2 else None; labels=random.Random(11)
T0=datetime(2025,10,6,8,0,0,tzinfo=timezone.utc)
tenants=["TENANT_%03d"%i for i in range(50)]
out=sys.stdout
step=10800.0/n  # 3 hours
for i in range(n):
    t=T0+timedelta(seconds=i*step)
    ts=t.isoformat(timespec="milliseconds").replace("+00:00","Z")
    ten=tenants[i%50]
    r=rnd.random()
    if r<0.002:
        out.write(json.dumps({"type":"metric","ts":ts,"tenant":ten,"name":"pg_replica_lag_seconds","value":round(rnd.random()*10,1),"labels":{"replica":"db-1"}},separators=(",",":"))+"\n")
    elif r<0.004:
        out.write(json.dumps({"type":"autonomy","ts":ts,"tenant":ten,"opId":"op-%d"%i,"mode":"ENACT","outcome":"AUTONOMOUS"},separators=(",",":"))+"\n")
    else:
        bad = rnd.random() < (0.02 if ten=="TENANT_004" else 0.0005)
        req={"type":"request","ts":ts,"tenant":ten,"service":"api" if rnd.random()<0.8 else "ingest","op":"READ" if rnd.random()<0.6 else "WRITE","status":503 if bad else 200,"latencyMs":round(80*(1+rnd.random()),1),"region":"eu-west-1","route":"/graphql","requestId":"r-%d"%i}
        if share is not None:
            req["cohort"]="canary" if labels.random()<share else "baseline"
        out.write(json.dumps(req,separators=(",",":"))+"\n")
