#!/usr/bin/env bash
# Stale alerts are never shown as current: a private fake Alertmanager
# (the fake's canned answers, shaped like Alertmanager's API v2) serves
# one critical and one warning alert, then drops every connection.  The
# header says "alerts stale Ns" before the counts and the alerts pane says
# STALE at the start of its summary, at 200, 120 and 80 columns.  With no
# answer at all, --once says "alerts unknown": the verdict is UNKNOWN, not
# OK, and the nagios counts are U, not 0.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"

PB=${SANDBOX_PORT_BASE:-${CERES_TEST_PORT_BASE:-}}
if [[ -n $PB ]]; then
	PF=$((PB + 532))
else
	PF=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
U=http://127.0.0.1:$PF
FX=$TESTS_DIR/fixtures/alertmanager
python3 "$TESTS_DIR/fakes/fakes.py" --kind loki --port "$PF" --state "$TEST_TMP/fake" > "$TEST_TMP/fake.log" 2>&1 &
FAKE_PID=$!
trap 'tui_stop; kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null' EXIT
wait_for 30 curl -sf "$U/__fake/ping" || { echo "Bail out! private fake did not start"; exit 1; }
canned() {  # path fixture
	python3 -c 'import json,sys; print(json.dumps({"path": sys.argv[1], "status": 200, "body": json.load(open(sys.argv[2]))}))' "$1" "$2" |
		curl -sf -XPOST "$U/__fake/override" -d @- > /dev/null
}
canned /api/v2/alerts "$FX/alerts-two.json"
canned /api/v2/silences "$FX/silences-empty.json"
canned /api/v2/status "$FX/status-ready.json"
curl -sf -XPOST "$U/__fake/override" -d '{"path": "/-/ready", "status": 200, "body": "OK"}' > /dev/null

printf '[ceres]\nsite = stale-am\ninterval = 1\ntimeout = 1\n[alertmanager]\nurl = %s\n' "$U" > "$TEST_TMP/config"
"$CERES_TOP" -c "$TEST_TMP/config" --once --panes alerts --format nagios > "$TEST_TMP/n1.txt"; rc=$?
check "--once with the alerts fetched: CRITICAL (exit $rc)" test "$rc" -eq 2
check "--once nagios counts the critical alert" grep -q 'alerts_critical=1' "$TEST_TMP/n1.txt"

tui_start 200 40 -c "$TEST_TMP/config"
check "the header counts the alerts" tui_wait "1 critical alert"
check "nothing is stale yet" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -qiE 'alerts stale|STALE [0-9]'"
curl -sf -XPOST "$U/__fake/override" -d '{"path": "/", "prefix": true, "close": true}' > /dev/null
check "the header says the alerts are stale" wait_for 15 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | head -1 | grep -qE 'alerts stale [0-9]'"
for cols in 200 120 80; do
	tui_resize "$cols" 40
	sleep 0.3
	check "at $cols columns the header shows 'alerts stale'" wait_for 3 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | head -1 | grep -qE 'alerts stale [0-9]'"
	check "at $cols columns the alerts pane says STALE" wait_for 3 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -qE 'STALE [0-9]'"
done
tui_stop

"$CERES_TOP" -c "$TEST_TMP/config" --once --panes alerts --format nagios > "$TEST_TMP/n2.txt"; rc=$?
diag "$(cat "$TEST_TMP/n2.txt")"
check "--once without an answer: UNKNOWN (exit $rc), not OK" test "$rc" -eq 3
check "--once nagios says the alerts are unknown" grep -q 'alerts unknown' "$TEST_TMP/n2.txt"
check "--once nagios counts are U, not 0" grep -q 'alerts_critical=U alerts_warning=U' "$TEST_TMP/n2.txt"
"$CERES_TOP" -c "$TEST_TMP/config" --once --panes alerts > "$TEST_TMP/t2.txt"
check "--once text summary says alerts unknown" grep -q 'alerts unknown' "$TEST_TMP/t2.txt"
finish
