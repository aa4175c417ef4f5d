#!/bin/bash
# 100,000 alerts in a real Alertmanager (private, SANDBOX_PORT_BASE+562,
# no clustering), posted in batches of 10,000: `--once --format json`
# reads the whole 62 MB answer as it arrives (with max_answer_mb raised;
# the default cap's refusal is in test_alerts_stream) and returns every
# alert, each once.  About a minute on a quiet 2-core machine.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/alerts-lib.sh"

PORT=$(( ${SANDBOX_PORT_BASE:-24000} + 562 ))
AM=http://127.0.0.1:$PORT
CFG=$TEST_TMP/100k.conf
J=$TEST_TMP/100k.json
N=100000
START=$(date +%s)
trap 'am_stop am100k' EXIT

check "private Alertmanager on :$PORT" am_start am100k "$PORT"
python3 - "$N" "$TEST_TMP/batch" <<'PY'
import json, sys, datetime
n, out = int(sys.argv[1]), sys.argv[2]
now = datetime.datetime.now(datetime.timezone.utc)
f = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
names = ["HostHighCpuUsage", "HostDiskSpaceLow", "ServiceDown", "ApiLatencyHigh", "Ünïcödé名前"]
for k in range(0, n, 10000):
    batch = [{"labels": {"alertname": names[i % 5], "severity": ["critical", "warning"][i % 2],
                         "instance": "host-%06d.ceres.example:9100" % i, "job": "node"},
              "annotations": {"summary": "alert %d on host-%06d — 🚨" % (i, i),
                              "description": "one of 100,000: brackets ]}[{ and \"quotes\""},
              "startsAt": f(now - datetime.timedelta(seconds=i % 3600)),
              "endsAt": f(now + datetime.timedelta(hours=2))} for i in range(k, min(n, k + 10000))]
    json.dump(batch, open("%s.%06d" % (out, k), "w"), ensure_ascii=False)
PY
posted=0
for f in "$TEST_TMP"/batch.*; do am_post "$AM" "$f" && posted=$((posted + 1)); done
check "100,000 alerts posted in 10 batches ($posted ok, $(( $(date +%s) - START )) s so far)" [ "$posted" -eq 10 ]
# Alertmanager takes a POST before it has stored every alert of it; count
# without parsing 62 MB (every alert has one "fingerprint" key).
count_is() { [ "$(curl -fsS --max-time 120 "$AM/api/v2/alerts" | grep -o '"fingerprint":' | wc -l)" = "$1" ]; }
check "Alertmanager holds 100,000 alerts" wait_for 240 count_is "$N"
diag "GET /api/v2/alerts: $(curl -fsS "$AM/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true" | wc -c) bytes"

printf '[ceres]\nsite = big\ntimeout = 120\naudit_log = %s/audit.log\n\n[alertmanager]\nurl = %s\n' \
	"$TEST_TMP" "$AM" > "$CFG"
chmod 600 "$CFG"
printf 'max_answer_mb = 128\n' >> "$CFG"
t0=$(date +%s%N)
/usr/bin/time -f '%M' -o "$TEST_TMP/rss" "$CERES_TOP" -c "$CFG" --once --panes alerts --format json --timeout 120 > "$J" 2> "$J.err"
rc=$?
diag "--once json with 100,000 alerts: $(( ($(date +%s%N) - t0) / 1000000 )) ms, peak RSS $(( $(tail -1 "$TEST_TMP/rss") / 1024 )) MiB, $(wc -c < "$J") bytes"
check "max_answer_mb = 128: --once answers (exit 2: criticals firing; got $rc)" [ "$rc" -eq 2 ]
check "--once returns all 100,000 alerts, each once" python3 -c '
import json,sys; j=json.load(open(sys.argv[1])); a=j["alerts"]; n=int(sys.argv[2])
assert len(a)==n, len(a)
assert len({x["fingerprint"] for x in a})==n
assert len({x["labels"]["instance"] for x in a})==n
assert all(x["summary"].endswith("— 🚨") for x in a)
assert j["alertmanager"]["malformed"]==0
s=[s for s in j["sources"] if s["name"]=="alerts"][0]; assert s["ok"], s' "$J" "$N"
# About a minute on a quiet 2-core machine; the runner's timeout bounds it.
diag "whole test: $(( $(date +%s) - START )) s"
finish
