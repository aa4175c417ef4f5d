#!/usr/bin/env bash
# The Loki tail under stress, against a private fake Loki (its own port:
# failures injected here must not disturb other tests): bursts far over
# the query limit with many lines per timestamp, answered in a random
# order among ties, arrive with no line lost or repeated; 5xx, malformed
# JSON and answers slower than the timeout are shown and recovered from
# without losing lines, and the keyboard stays live meanwhile; a paused
# view that overflows the buffer says "N lines skipped"; tenants, bearer
# tokens and basic auth are sent and never shown.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
export LC_ALL=C.UTF-8
sandbox_env

if [[ -n ${SANDBOX_PORT_BASE:-} ]]; then
	PF=$((SANDBOX_PORT_BASE + 510))
else
	PF=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
U=http://127.0.0.1:$PF
python3 "$TESTS_DIR/fakes/fakes.py" --kind loki --port "$PF" --state "$TEST_TMP/fake" > "$TEST_TMP/fake.log" 2>&1 &
FAKE_PID=$!
trap 'tui_stop; kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null' EXIT
wait_for 30 curl -sf "$U/__fake/ping" || { echo "Bail out! private fake Loki did not start"; exit 1; }
curl -sf -XPOST "$U/__fake/state" -d '{"generate": false, "shuffle_ties": true}' > /dev/null

BASE=$(( $(date +%s%N) - 300000000000 ))
NEXT=0
# push_lines COUNT PER_TS: COUNT more lines over three streams, PER_TS of
# them on each timestamp, timestamps rising from where the last call ended.
push_lines() {
	python3 - "$PF" "$BASE" "$NEXT" "$1" "$2" <<'EOF'
import json, sys, urllib.request
port, base, first, count, per = (int(x) for x in sys.argv[1:])
streams = {}
for k in range(first, first + count):
    ts = base + ((k - first) // per) * 1000 + first * 1000
    streams.setdefault(k % 3, []).append([str(ts), "tail line %06d of stream %d" % (k, k % 3)])
body = json.dumps({"streams": [{"stream": {"t": "tail", "s": str(s)}, "values": v}
                               for s, v in streams.items()]}).encode()
urllib.request.urlopen(urllib.request.Request("http://127.0.0.1:%d/__loki/push" % port, data=body), timeout=10)
EOF
	NEXT=$((NEXT + $1))
}
override() { curl -sf -XPOST "$U/__fake/override" -d "$1" > /dev/null; }
queries() { curl -sf "$U/__fake/requests?path=/loki/api/v1/query_range" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
lines_are() { tui_screen | grep -qE "│ $1 lines( │|  )"; }
# settled N: N lines and still N after three more polls.
settled() {
	local q
	wait_for 30 lines_are "$1" || return 1
	q=$(queries)
	wait_for 10 bash -c "[ \$(curl -sf '$U/__fake/requests?path=/loki/api/v1/query_range' | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') -ge $((q + 3)) ]" || return 1
	lines_are "$1"
}

cat > "$TEST_TMP/config" <<EOF
[ceres]
interval = 0.3
timeout = 2

[loki]
url = $U
query = {t="tail"}
limit = 50
buffer_lines = 5000
EOF

tui_start 120 30 -c "$TEST_TMP/config"
check "console starts" tui_wait "Health" 10
tui_keys 3 z
check "empty tail" tui_wait "no lines yet" 10

for _ in 1 2 3 4; do push_lines 500 5; done
check "2000 lines in bursts 40x the limit, 5 per timestamp: all, once each" settled 2000
push_lines 300 300
check "300 lines on one timestamp (6x the limit): all, once each" settled 2300
check "the limit grew to get past that timestamp" bash -c "curl -sf '$U/__fake/requests?path=/loki/api/v1/query_range' | python3 -c 'import json,sys; exit(0 if any(int(r[\"query\"][\"limit\"]) > 50 for r in json.load(sys.stdin)) else 1)'"
check "queries go forward from the last timestamp, inclusive" bash -c "curl -sf '$U/__fake/requests?path=/loki/api/v1/query_range' | python3 -c 'import json,sys; r=[x[\"query\"] for x in json.load(sys.stdin)]; exit(0 if r[-1][\"direction\"] == \"forward\" and int(r[-1][\"start\"]) <= int(r[-1][\"end\"]) else 1)'"

override '{"path": "/loki/api/v1/query_range", "status": 502, "body": "bad gateway\n", "times": 3}'
push_lines 100 4
check "a 5xx is shown" tui_wait "Loki answered HTTP 502: bad gateway" 10
check "and recovered from without losing lines" settled 2400

override '{"path": "/loki/api/v1/query_range", "status": 200, "body": "{\"status\":\"success\",\"data\":", "content_type": "application/json", "times": 1}'
push_lines 10 2
check "malformed JSON is shown" tui_wait "bad answer from Loki: malformed JSON" 10
check "and recovered from" settled 2410

override '{"path": "/loki/api/v1/query_range", "delay": 5, "times": 1}'
push_lines 10 10
wait_for 5 bash -c "curl -sf '$U/__fake/requests?path=/loki/api/v1/query_range' | python3 -c 'import json,sys,time; r=json.load(sys.stdin); exit(0 if time.time() - r[-1][\"time\"] > 0.5 else 1)'"
tui_keys '?'
check "the keyboard answers while Loki hangs" tui_wait "Keys" 2
tui_keys Escape
check "an answer slower than the timeout is shown" tui_wait "Loki: Operation timed out" 10
check "and recovered from" settled 2420

tui_keys p
check "paused" tui_wait "paused, 0 new" 5
for _ in 1 2 3; do push_lines 2000 3; done
check "paused: 6000 new lines counted" tui_wait "paused, 6000 new" 60
check "more than the buffer holds: 1000 lines skipped" tui_wait "1000 lines skipped" 5
tui_keys p
check "resumed: the newest line shown" tui_wait "tail line $(printf %06d $((NEXT - 1)))" 5
tui_stop

# A line that reaches Loki late, older than one already there: with
# `delay` the tail waits for it instead of passing it by.
sed -e 's/^query = .*/query = {t="late"}/' -e 's/^limit = .*/limit = 50\ndelay = 2/' "$TEST_TMP/config" > "$TEST_TMP/late.conf"
tui_start 120 30 -c "$TEST_TMP/late.conf"
tui_keys 3 z
check "delayed tail starts" tui_wait "no lines yet" 10
T=$(date +%s%N)
curl -sf -XPOST "$U/__loki/push" -d "{\"stream\":{\"t\":\"late\",\"s\":\"a\"},\"values\":[[\"$T\",\"late-test A (on time)\"]]}" > /dev/null
q=$(queries)
wait_for 5 bash -c "[ \$(curl -sf '$U/__fake/requests?path=/loki/api/v1/query_range' | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') -ge $((q + 2)) ]"
curl -sf -XPOST "$U/__loki/push" -d "{\"stream\":{\"t\":\"late\",\"s\":\"b\"},\"values\":[[\"$((T - 300000000))\",\"late-test B (arrived late)\"]]}" > /dev/null
check "the on-time line comes" tui_wait "late-test A" 10
check "the late line is not lost" tui_has "late-test B"
check "and sits before it, in timestamp order" bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -o 'late-test [AB]' | tr '\n' ' ' | grep -q 'late-test B late-test A'"
tui_stop

# Tenants and credentials, with --once.
umask 077
printf 'tok-SECRET-123\n' > "$TEST_TMP/token"
printf 'pw-SECRET-456\n' > "$TEST_TMP/password"
once() {  # extra config lines...
	{ printf '[ceres]\ntimeout = 2\n\n[loki]\nurl = %s\nquery = {t="tail"}\nlimit = 5\n' "$U"
	  printf '%s\n' "$@"; } > "$TEST_TMP/auth.conf"
	"$CERES_TOP" -c "$TEST_TMP/auth.conf" --once --panes logs --format json > "$TEST_TMP/auth.json" 2>&1
	"$CERES_TOP" -c "$TEST_TMP/auth.conf" --once --panes logs >> "$TEST_TMP/auth.json" 2>&1
}
got5() { python3 -c 'import json,sys; j=json.loads(open(sys.argv[1]).read().split("\n")[0]); exit(0 if len(j["logs"]) == 5 else 1)' "$TEST_TMP/auth.json"; }
curl -sf -XPOST "$U/__fake/state" -d '{"org_id": "tenant-1", "bearer": "tok-SECRET-123"}' > /dev/null
once "org_id = tenant-1" "token_file = $TEST_TMP/token"
check "tenant and bearer token: lines come" got5
check "the token is never printed" bash -c "! grep -q SECRET '$TEST_TMP/auth.json'"
once "token_file = $TEST_TMP/token"
check "without the tenant: Loki's 401 is reported" grep -q "HTTP 401: no org id" "$TEST_TMP/auth.json"
once "org_id = tenant-1"
check "without the token: 401" grep -q "HTTP 401: unauthorized" "$TEST_TMP/auth.json"
check "the X-Scope-OrgID header was sent" bash -c "curl -sf '$U/__fake/requests?path=/loki/api/v1/query_range' | python3 -c 'import json,sys; r=json.load(sys.stdin)[-1]; exit(0 if {k.lower(): v for k, v in r[\"headers\"].items()}.get(\"x-scope-orgid\") == \"tenant-1\" else 1)'"
curl -sf -XPOST "$U/__fake/state" -d '{"org_id": "", "bearer": "", "basic": "ops:pw-SECRET-456"}' > /dev/null
once "user = ops" "password_file = $TEST_TMP/password"
check "basic auth: lines come" got5
check "the password is never printed" bash -c "! grep -q SECRET '$TEST_TMP/auth.json'"
once "user = ops"
check "basic auth with a wrong password: 401" grep -q "HTTP 401" "$TEST_TMP/auth.json"
curl -sf -XPOST "$U/__fake/state" -d '{"basic": ""}' > /dev/null

# Error texts quote the backend: they are sanitized like everything else.
override '{"path": "/loki/api/v1/query_range", "status": 400, "body": "parse error \u001b]0;EVIL\u0007 \u001b[2J at col 3\n", "times": 2}'
once
check "a hostile 400 text is shown" grep -q "query error: parse error ␛]0;EVIL␇ ␛\[2J at col 3" "$TEST_TMP/auth.json"
check "without one control byte (text and JSON)" bash -c "! grep -qP '[\x00-\x09\x0b-\x1f\x7f]' '$TEST_TMP/auth.json'"
override '{"path": "/loki/api/v1/query_range", "status": 200, "content_type": "application/json", "body": "{\"status\":\"error\",\"errorType\":\"x\",\"error\":\"boom \u001b]52;c;aGk=\u0007\"}", "times": 2}'
once
check "a hostile JSON error is shown" grep -q "Loki error: boom ␛]52;c;aGk=␇" "$TEST_TMP/auth.json"
check "without one control byte" bash -c "! grep -qP '[\x00-\x09\x0b-\x1f\x7f]' '$TEST_TMP/auth.json'"
finish
