#!/bin/bash
# 100,000 alerts in a real Alertmanager (private, SANDBOX_PORT_BASE+562,
# no clustering), posted in 10 batches of 10,000, each checked as taken
# (Alertmanager's received and invalid counters) before the next goes; then, once /api/v2/alerts counts all of them,
# `--once --format json` reads the whole 62 MB answer as it arrives (with
# max_answer_mb raised; the default cap's refusal is in test_alerts_stream)
# and returns every alert, each once.  Every wait has a bound taken from
# one budget of BUDGET seconds (well under the runner's), so a stuck step
# fails with what it saw instead of hanging; about a minute on a quiet
# 2-core machine running the suite.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/alerts-lib.sh"

PORT=$(( ${SANDBOX_PORT_BASE:-24000} + 562 ))
AM=http://127.0.0.1:$PORT
CFG=$TEST_TMP/100k.conf
J=$TEST_TMP/100k.json
N=100000
BATCH=10000
BUDGET=${ALERTS_100K_BUDGET:-170}
START=$(date +%s)
trap 'am_stop am100k' EXIT

# Seconds left of the budget (at least 1, so a last try still happens).
left() { local l=$(( START + BUDGET - $(date +%s) )); [ "$l" -gt 0 ] && echo "$l" || echo 1; }
# The smaller of $1 and what is left.
bound() { local l; l=$(left); [ "$1" -lt "$l" ] && echo "$1" || echo "$l"; }
elapsed() { echo "$(( $(date +%s) - START )) s"; }
# On a failure: what Alertmanager said last, then stop here.
give_up() {
	diag "after $(elapsed): $*"
	tail -n 15 "$TEST_TMP/am100k/log" 2>/dev/null | sed 's/^/# alertmanager: /'
	finish
}

# Groups are not flushed during the test (group_wait 1h): with 100,000
# alerts a flush every few seconds would take the CPU the test needs.
mkdir -p "$TEST_TMP/am100k"
printf 'route: {receiver: null-rcv, group_by: [alertname], group_wait: 1h, group_interval: 1h, repeat_interval: 4h}\nreceivers: [{name: null-rcv}]\n' \
	> "$TEST_TMP/am100k/am.yml"
if am_start am100k "$PORT" "$TEST_TMP/am100k/am.yml"; then ok "private Alertmanager on :$PORT"
else not_ok "private Alertmanager on :$PORT"; give_up "Alertmanager did not get ready"; fi
python3 - "$N" "$BATCH" "$TEST_TMP/batch" <<'PY'
import json, sys, datetime
n, step, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
now = datetime.datetime.now(datetime.timezone.utc)
f = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
names = ["HostHighCpuUsage", "HostDiskSpaceLow", "ServiceDown", "ApiLatencyHigh", "Ünïcödé名前"]
for k in range(0, n, step):
    batch = [{"labels": {"alertname": names[i % 5], "severity": ["critical", "warning"][i % 2],
                         "instance": "host-%06d.ceres.example:9100" % i, "job": "node"},
              "annotations": {"summary": "alert %d on host-%06d — 🚨" % (i, i),
                              "description": "one of 100,000: brackets ]}[{ and \"quotes\""},
              "startsAt": f(now - datetime.timedelta(seconds=i % 3600)),
              "endsAt": f(now + datetime.timedelta(hours=2))} for i in range(k, min(n, k + step))]
    json.dump(batch, open("%s.%06d" % (out, k), "w"), ensure_ascii=False)
PY

# metric NAME: the sum of an Alertmanager counter over its label sets
# (/metrics is cheap: a listing of 100,000 alerts routes every one of them).
metric() {
	local out
	out=$(curl -fsS --max-time "$(bound 10)" "$AM/metrics") || return 1
	awk -v m="$1" '$1 ~ "^"m"([{]|$)" && $1 !~ /status="resolved"/ { s += $2 } END { printf "%d\n", s }' <<< "$out"
}
# accepted N: Alertmanager has taken N firing alerts, none of them invalid.
accepted() {
	local r i
	r=$(metric alertmanager_alerts_received_total) && i=$(metric alertmanager_alerts_invalid_total) ||
		{ echo "no answer from /metrics" > "$TEST_TMP/accepted"; return 1; }
	echo "$r received, $i invalid" > "$TEST_TMP/accepted"
	[ "$r" -eq "$1" ] && [ "$i" -eq 0 ]
}
# count: the alerts Alertmanager lists, counted without parsing 62 MB
# (every alert has one "fingerprint" key); the count in $TEST_TMP/count.
count() {
	curl -fsS --max-time "$(bound 90)" "$AM/api/v2/alerts" -o "$TEST_TMP/all.json" || { echo curl-failed > "$TEST_TMP/count"; return 1; }
	grep -o '"fingerprint":' "$TEST_TMP/all.json" | wc -l > "$TEST_TMP/count"
	[ "$(cat "$TEST_TMP/count")" = "$1" ]
}

posted=0
for k in $(seq 0 "$BATCH" $(( N - 1 ))); do
	f=$TEST_TMP/batch.$(printf %06d "$k")
	last=$(( k + BATCH - 1 ))
	t0=$(date +%s%N)
	if ! curl -fsS --max-time "$(bound 60)" -XPOST -H 'Content-Type: application/json' \
		--data-binary @"$f" "$AM/api/v2/alerts" -o /dev/null 2> "$TEST_TMP/post.err"; then
		not_ok "batch $k..$last posted"
		give_up "POST of batch $k..$last failed: $(head -c 300 "$TEST_TMP/post.err")"
	fi
	if ! wait_for "$(bound 30)" accepted $(( last + 1 )); then
		not_ok "batch $k..$last accepted"
		give_up "after batch $k..$last: $(cat "$TEST_TMP/accepted" 2>/dev/null) (want $(( last + 1 )) received, 0 invalid)"
	fi
	posted=$((posted + 1))
	diag "batch $k..$last posted and accepted in $(( ($(date +%s%N) - t0) / 1000000 )) ms ($(elapsed) so far)"
done
check "100,000 alerts posted in $posted batches of $BATCH, each accepted ($(elapsed))" [ "$posted" -eq $(( N / BATCH )) ]
if ! wait_for "$(bound 120)" count "$N"; then
	not_ok "Alertmanager lists 100,000 alerts"
	give_up "GET /api/v2/alerts counted $(cat "$TEST_TMP/count" 2>/dev/null) alerts ($(wc -c < "$TEST_TMP/all.json" 2>/dev/null) bytes)"
fi
ok "Alertmanager lists 100,000 alerts ($(wc -c < "$TEST_TMP/all.json") bytes, $(elapsed))"
rm -f "$TEST_TMP/all.json" "$TEST_TMP"/batch.*

printf '[ceres]\nsite = big\ntimeout = 120\naudit_log = %s/audit.log\n\n[alertmanager]\nurl = %s\nmax_answer_mb = 128\n' \
	"$TEST_TMP" "$AM" > "$CFG"
chmod 600 "$CFG"
tmo=$(bound 90)
t0=$(date +%s%N)
/usr/bin/time -f '%M' -o "$TEST_TMP/rss" "$CERES_TOP" -c "$CFG" --once --panes alerts --format json --timeout "$tmo" > "$J" 2> "$J.err"
rc=$?
diag "--once json with 100,000 alerts (timeout $tmo s): $(( ($(date +%s%N) - t0) / 1000000 )) ms, peak RSS $(( $(tail -1 "$TEST_TMP/rss") / 1024 )) MiB, $(wc -c < "$J") bytes"
check "max_answer_mb = 128: --once answers (exit 2: criticals firing; got $rc)" [ "$rc" -eq 2 ]
if [ "$rc" -ne 2 ]; then
	sed 's/^/# ceres-top: /' "$J.err" | head -n 10
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print("# sources:", [(s["name"], s.get("ok"), s.get("error")) for s in j["sources"]])' "$J" 2>/dev/null
fi
check "--once returns all 100,000 alerts, each once" python3 -c '
import json,sys
try:
    j=json.load(open(sys.argv[1]))
except Exception as e:
    sys.exit("# output is not JSON: %s" % e)
a=j["alerts"]; n=int(sys.argv[2])
def need(c, what):
    if not c: sys.exit("# " + what)
need(len(a)==n, "%d alerts listed" % len(a))
need(len({x["fingerprint"] for x in a})==n, "fingerprints repeat")
need(len({x["labels"]["instance"] for x in a})==n, "instances repeat")
need(all(x["summary"].endswith("— 🚨") for x in a), "a summary lost its end")
need(j["alertmanager"]["malformed"]==0, "malformed: %s" % j["alertmanager"]["malformed"])
s=[s for s in j["sources"] if s["name"]=="alerts"][0]; need(s["ok"], "source: %s" % s)' "$J" "$N"
diag "whole test: $(elapsed) (budget $BUDGET s)"
finish
