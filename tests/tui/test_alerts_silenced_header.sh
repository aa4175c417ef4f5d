#!/usr/bin/env bash
# A silenced alert is counted in the header: with only a silenced (and
# an inhibited) alert the verdict stays OK, but the header reads
# "OK 1 silenced, 1 inhibited │ ..." instead of "OK  │ ...", and the
# --once summary says the same.
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
wait_for 10 curl -sf "$U/__fake/ping" || { echo "Bail out! private fake did not start"; exit 1; }
# The silenced alert of the fixture, and an inhibited copy of it.
python3 - "$FX/alerts-silenced.json" > "$TEST_TMP/alerts.json" <<'PY'
import copy, json, sys
a = [x for x in json.load(open(sys.argv[1])) if x["status"]["silencedBy"]]
b = copy.deepcopy(a[0])
b["fingerprint"] = "ffff000000000001"
b["labels"]["alertname"] = "Inhibited"
b["status"] = {"state": "suppressed", "silencedBy": [], "inhibitedBy": ["0123"]}
print(json.dumps(a + [b]))
PY
canned() {  # path fixture
	python3 -c 'import json,sys; print(json.dumps({"path": sys.argv[1], "status": 200, "body": json.load(open(sys.argv[2]))}))' "$1" "$2" |
		curl -sf -XPOST "$U/__fake/override" -d @- > /dev/null
}
canned /api/v2/alerts "$TEST_TMP/alerts.json"
canned /api/v2/silences "$FX/silences.json"
canned /api/v2/status "$FX/status-ready.json"
curl -sf -XPOST "$U/__fake/override" -d '{"path": "/-/ready", "status": 200, "body": "OK"}' > /dev/null

printf '[ceres]\nsite = silenced\ninterval = 1\ntimeout = 1\n[alertmanager]\nurl = %s\n' "$U" > "$TEST_TMP/config"
"$CERES_TOP" -c "$TEST_TMP/config" --once --panes alerts --format nagios > "$TEST_TMP/n.txt"; rc=$?
diag "$(cat "$TEST_TMP/n.txt")"
check "--once: OK (exit $rc)" test "$rc" -eq 0
check "--once nagios summary counts the silenced alert" grep -q '^CERES OK - 1 silenced, 1 inhibited' "$TEST_TMP/n.txt"

tui_start 120 40 -c "$TEST_TMP/config"
check "the header counts the silenced alert after OK" tui_wait "OK 1 silenced, 1 inhibited │"
diag "$(tmux -L "$TUI_SOCK" capture-pane -t t -p | head -1)"
check "no empty header field" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | head -1 | grep -q 'OK  │'"
tui_stop
finish
