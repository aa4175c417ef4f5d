#!/usr/bin/env bash
# A new critical alert is hard to miss: a private fake Alertmanager (canned
# answers shaped like its API v2) fires one critical and one warning alert;
# the operator selects the warning group and moves to the logs pane; then
# a new critical alert arrives.  The header counts "1 NEW critical", the
# alerts pane marks it "*", and one key (!) from any pane focuses the
# alerts pane with the new alert selected (Enter opens its details, not
# the old one's); once seen it is no longer counted as new.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"

PB=${SANDBOX_PORT_BASE:-${CERES_TEST_PORT_BASE:-}}
if [[ -n $PB ]]; then
	PF=$((PB + 533))
else
	PF=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
U=http://127.0.0.1:$PF
FX=$TESTS_DIR/fixtures/alertmanager
python3 "$TESTS_DIR/fakes/fakes.py" --kind loki --port "$PF" --state "$TEST_TMP/fake" > "$TEST_TMP/fake.log" 2>&1 &
FAKE_PID=$!
trap 'tui_stop; kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null' EXIT
wait_for 30 curl -sf "$U/__fake/ping" || { echo "Bail out! private fake did not start"; exit 1; }
canned() {  # path json-file
	python3 -c 'import json,sys; print(json.dumps({"path": sys.argv[1], "status": 200, "body": json.load(open(sys.argv[2]))}))' "$1" "$2" |
		curl -sf -XPOST "$U/__fake/override" -d @- > /dev/null
}
# The same two alerts plus a new critical one, started now.
python3 - "$FX/alerts-two.json" "$TEST_TMP/three.json" <<'PY'
import copy, datetime, json, sys
a = json.load(open(sys.argv[1]))
n = copy.deepcopy(a[0])
n["fingerprint"] = "0123456789abcdef"
n["labels"] = {"alertname": "NewOutage", "severity": "critical", "instance": "edge-7"}
n["annotations"] = {"summary": "edge-7 is down"}
n["startsAt"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
json.dump(a + [n], open(sys.argv[2], "w"))
PY
canned /api/v2/alerts "$FX/alerts-two.json"
canned /api/v2/silences "$FX/silences-empty.json"
canned /api/v2/status "$FX/status-ready.json"
curl -sf -XPOST "$U/__fake/override" -d '{"path": "/-/ready", "status": 200, "body": "OK"}' > /dev/null

printf '[ceres]\nsite = news\ninterval = 1\ntimeout = 1\nbell = critical\n[alertmanager]\nurl = %s\n' "$U" > "$TEST_TMP/config"
tui_start 160 40 -c "$TEST_TMP/config"
check "the first alerts are counted" tui_wait "1 critical alert"
check "the first answer's alerts are not new" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'NEW critical'"
# Select the warning group, then move to the logs pane.
tui_keys 2 G 3
canned /api/v2/alerts "$TEST_TMP/three.json"
check "the header counts the new critical" wait_for 10 tui_has "1 NEW critical"
check "the pane marks the new alert's group with *" wait_for 5 tui_has_re '▸\*crit|▾\*crit|▸\*critical|▾\*critical'
check "the new alert's fingerprint is not on screen before" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 0123456789abcdef"
tui_keys '!'
sleep 0.3
tui_keys Enter
check "one key (!): the alerts pane has the focus, the new alert selected (Enter: its details)" \
	tui_wait 0123456789abcdef 5
tui_keys Escape
check "seen: no longer counted as new" wait_for 5 bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'NEW critical'"
check "the console is alive" bash -c "! tmux -L '$TUI_SOCK' display -p -t t '#{pane_dead}' | grep -q 1"
finish
