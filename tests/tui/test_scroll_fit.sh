#!/usr/bin/env bash
# After a resize the alerts, activity and readiness panes fit their rows
# as the health pane does: select the last row in a small window, make
# the window large enough for every row, and the first row is on screen
# again (no list scrolled past its start with empty rows under it).
# Private fakes: an Alertmanager with 30 alerts (canned API v2 answers)
# and a Gitea with filler history.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"

PB=${SANDBOX_PORT_BASE:-${CERES_TEST_PORT_BASE:-}}
if [[ -n $PB ]]; then
	PA=$((PB + 538)); PG=$((PB + 539))
else
	PA=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	PG=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
FX=$TESTS_DIR/fixtures/alertmanager
python3 "$TESTS_DIR/fakes/fakes.py" --kind loki --port "$PA" --state "$TEST_TMP/am" > "$TEST_TMP/am.log" 2>&1 &
P1=$!
python3 "$TESTS_DIR/fakes/fakes.py" --kind gitea --port "$PG" --state "$TEST_TMP/gitea" > "$TEST_TMP/gitea.log" 2>&1 &
P2=$!
trap 'tui_stop; kill "$P1" "$P2" 2>/dev/null; wait "$P1" "$P2" 2>/dev/null' EXIT
A=http://127.0.0.1:$PA
wait_for 10 curl -sf "$A/__fake/ping" || { echo "Bail out! private fake did not start"; exit 1; }
wait_for 10 curl -sf "http://127.0.0.1:$PG/api/healthz" || { echo "Bail out! gitea fake did not start"; exit 1; }
python3 - "$FX/alerts-two.json" > "$TEST_TMP/alerts.json" <<'PY'
import copy, json, sys
base = json.load(open(sys.argv[1]))[0]
out = []
for i in range(30):
    a = copy.deepcopy(base)
    a["fingerprint"] = "%016x" % (0xabc000 + i)
    a["labels"]["alertname"] = "FitAlert%02d" % i
    a["labels"]["severity"] = "warning"
    out.append(a)
print(json.dumps(out))
PY
canned() {  # path fixture
	python3 -c 'import json,sys; print(json.dumps({"path": sys.argv[1], "status": 200, "body": json.load(open(sys.argv[2]))}))' "$1" "$2" |
		curl -sf -XPOST "$A/__fake/override" -d @- > /dev/null
}
canned /api/v2/alerts "$TEST_TMP/alerts.json"
canned /api/v2/silences "$FX/silences-empty.json"
canned /api/v2/status "$FX/status-ready.json"
curl -sf -XPOST "$A/__fake/override" -d '{"path": "/-/ready", "status": 200, "body": "OK"}' > /dev/null
curl -sf -XPOST "http://127.0.0.1:$PG/__fake/state" -d '{"history": 30}' > /dev/null

printf '[ceres]\nsite = fit\ninterval = 1\ntimeout = 2\n[alertmanager]\nurl = %s\n[gitea]\nurl = http://127.0.0.1:%s\nrepos = ceres/infra\n' "$A" "$PG" > "$TEST_TMP/config"

# fit PANE-KEY FIRST-ROW-TEXT WHAT: zoom the pane at 120x16, go to the
# last row (G, else j pressed 40 times), resize to 120x60 and look for
# the first row.
fit() {
	local key=$1 first=$2 what=$3
	tui_resize 120 16
	sleep 0.3
	tui_keys "$key" z
	sleep 0.5
	if [ "$key" = 5 ]; then
		for _ in $(seq 1 20); do tui_keys j; done
	else
		tui_keys G
	fi
	check "$what: scrolled, the first row is off screen at 120x16" wait_for 5 bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -qF -- '$first'"
	tui_resize 120 60
	check "$what: after the resize to 120x60 the first row is back" wait_for 5 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -qF -- '$first'"
	tui_keys z
}

tui_start 120 40 -c "$TEST_TMP/config"
check "console up" tui_wait "ceres-top │ fit" 10
check "the alerts arrived" tui_wait "FitAlert" 10
tui_keys 2 -
sleep 0.3
fit 2 "FitAlert00" "alerts"
tui_keys 4 z
check "activity events arrived" tui_wait "rotate logs daily" 15
tui_keys z
fit 4 "rotate logs daily" "activity"
fit 5 "SSO: Keycloak realm serves OIDC" "readiness"
tui_stop
finish
