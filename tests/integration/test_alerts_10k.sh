#!/bin/bash
# Scale and verdicts on a private Alertmanager (SANDBOX_PORT_BASE+501, no
# clustering, so the shared one is not flooded): exit codes 0/1/2 from no
# alert, a warning, a critical one, and a silenced critical one; then
# 10,000 alerts in one bulk POST, all of which --once returns.
. "$(dirname "$0")/../lib/common.sh"
sandbox_env
. "$(dirname "$0")/alerts-lib.sh"

PORT=$((ALERTS_PORT_BASE + 1))
AM=http://127.0.0.1:$PORT
CFG=$TEST_TMP/big.conf
J=$TEST_TMP/big.json
trap 'am_stop big' EXIT

printf '[ceres]\nsite = bigtest\ntimeout = 10\naudit_log = %s/audit.log\n\n[alertmanager]\nurl = %s\n' \
	"$TEST_TMP" "$AM" > "$CFG"
chmod 600 "$CFG"
check "private Alertmanager on :$PORT" am_start big "$PORT"

once_json "$J" -c "$CFG"
rc=$?
check "no alerts: exit 0 (got $rc)" [ "$rc" -eq 0 ]
check "no alerts: empty array, status ok" python3 -c '
import json,sys; j=json.load(open(sys.argv[1])); assert j["alerts"]==[] and j["status"]=="ok", j' "$J"

post_one() {	# alertname severity [extra label json]
	python3 -c '
import json,sys,datetime
n=datetime.datetime.now(datetime.timezone.utc)
f=lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
json.dump([{"labels":{"alertname":sys.argv[1],"severity":sys.argv[2]},"annotations":{"summary":sys.argv[1]+" test"},
  "startsAt":f(n),"endsAt":f(n+datetime.timedelta(hours=1))}], open(sys.argv[3],"w"))' "$1" "$2" "$TEST_TMP/one.json" &&
	am_post "$AM" "$TEST_TMP/one.json"
}
count_is() { [ "$(curl -fsS "$AM/api/v2/alerts" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = "$1" ]; }

post_one VerdictWarning warning && wait_for 10 count_is 1
once_json "$J" -c "$CFG"
rc=$?
check "a firing warning: exit 1 (got $rc)" [ "$rc" -eq 1 ]
post_one VerdictCritical critical && wait_for 10 count_is 2
once_json "$J" -c "$CFG"
rc=$?
check "a firing critical: exit 2 (got $rc)" [ "$rc" -eq 2 ]
python3 -c '
import json,sys,datetime
n=datetime.datetime.now(datetime.timezone.utc); f=lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
json.dump({"matchers":[{"name":"alertname","value":"VerdictCritical","isRegex":False}],"startsAt":f(n),
  "endsAt":f(n+datetime.timedelta(hours=1)),"createdBy":"test","comment":"verdict"}, open(sys.argv[1],"w"))' "$TEST_TMP/sil.json"
SIL=$(am_silence "$AM" "$TEST_TMP/sil.json")
suppressed() { curl -fsS "$AM/api/v2/alerts" | grep -q '"suppressed"'; }
wait_for 10 suppressed
once_json "$J" -c "$CFG"
rc=$?
check "the critical one silenced: back to exit 1 (got $rc)" [ "$rc" -eq 1 ]
"$CERES_TOP" -c "$CFG" --once --panes alerts --format nagios > "$TEST_TMP/n.txt"
check "nagios perfdata: 0 critical, 1 warning, 1 silenced" grep -q 'alerts_critical=0 alerts_warning=1 alerts_silenced=1' "$TEST_TMP/n.txt"
am_expire "$AM" "$SIL"

# ---- 10,000 alerts in one POST
python3 - "$TEST_TMP/bulk.json" <<'EOF'
import json, sys, datetime
n = datetime.datetime.now(datetime.timezone.utc)
f = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
names = ["HostHighCpuUsage", "HostDiskSpaceLow", "ServiceDown", "ApiLatencyHigh", "DatabaseConnectionPoolExhausted",
         "Ünïcödé名前", "BackupTooOld", "CertificateExpiry", "QueueBacklog", "LoginFailures"]
out = []
for i in range(10000):
    out.append({"labels": {"alertname": names[i % 10], "severity": ["critical", "warning", "info"][i % 3],
                           "instance": "host-%05d.ceres.example:9100" % i, "job": "node", "bulk": "1"},
                "annotations": {"summary": "bulk alert %d on host-%05d — Zürich 🚨" % (i, i),
                                "runbook_url": "https://wiki.ceres.example/runbooks/" + names[i % 10]},
                "startsAt": f(n - datetime.timedelta(seconds=i)), "endsAt": f(n + datetime.timedelta(hours=1)),
                "generatorURL": "http://127.0.0.1:9090/graph?g0.expr=up"})
json.dump(out, open(sys.argv[1], "w"), ensure_ascii=False)
EOF
check "10,000 alerts posted in one request ($(wc -c < "$TEST_TMP/bulk.json") bytes)" am_post "$AM" "$TEST_TMP/bulk.json"
check "Alertmanager holds 10,002 alerts" wait_for 30 count_is 10002
bytes=$(curl -fsS "$AM/api/v2/alerts?active=true&silenced=true&inhibited=true" | wc -c)
diag "GET /api/v2/alerts with 10,002 alerts: $bytes bytes (cap $((32 << 20)))"
t0=$(date +%s%N)
once_json "$J" -c "$CFG"
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
diag "--once --panes alerts --format json: ${ms} ms, $(wc -c < "$J") bytes"
check "--once answers (exit 2: criticals are firing; got $rc)" [ "$rc" -eq 2 ]
check "--once returns all 10,000 bulk alerts, each once" python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
b=[a for a in j["alerts"] if a["labels"].get("bulk")=="1"]
assert len(b)==10000, len(b)
assert len({a["fingerprint"] for a in b})==10000
assert len({a["labels"]["instance"] for a in b})==10000
assert all(a["summary"].endswith("Zürich 🚨") for a in b)
s=[s for s in j["sources"] if s["name"]=="alerts"][0]
assert s["ok"], s
assert j["alertmanager"]["duplicates"]==0 and j["alertmanager"]["malformed"]==0' "$J"
check "groups in order: critical, then warning, then info" python3 -c '
import json,sys; j=json.load(open(sys.argv[1])); rank={"critical":0,"warning":1,"info":2}
r=[rank[a["severity"]] for a in j["alerts"]]
assert r==sorted(r), "not sorted"' "$J"
"$CERES_TOP" -c "$CFG" --once --panes alerts > "$TEST_TMP/big.txt"
check "text lists 30 groups and every alert" python3 -c '
import sys,re; t=open(sys.argv[1],encoding="utf-8").read().splitlines()
groups=[l for l in t if re.match(r"  (critical|warning|info) ", l)]
rows=[l for l in t if re.match(r"      (active|silenced|inhibited|muted|unprocessed) ", l)]
assert len(groups)==30+2, len(groups)
assert len(rows)==10002, len(rows)' "$TEST_TMP/big.txt"
"$CERES_TOP" -c "$CFG" --once --panes alerts --format nagios > "$TEST_TMP/n.txt"
check "nagios counts them: 3335 critical firing (3334 bulk + VerdictCritical)" grep -q "alerts_critical=3335 " "$TEST_TMP/n.txt"

finish
