#!/usr/bin/env bash
# Silences on an HA pair that is not clustered: two private fake
# Alertmanagers (canned answers shaped like API v2) whose status says
# cluster "disabled".  A silence made from the console goes to one peer
# only, so the preview says NOT CLUSTERED and names how many configured
# peers will not have it.  With one clustered peer pair ("ready", two
# peers) the preview says nothing of the kind.  Nothing is created
# (the preview is cancelled).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"

PB=${SANDBOX_PORT_BASE:-${CERES_TEST_PORT_BASE:-}}
if [[ -n $PB ]]; then
	P1=$((PB + 536)); P2=$((PB + 537))
else
	P1=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	P2=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
FX=$TESTS_DIR/fixtures/alertmanager
PIDS=()
for p in "$P1" "$P2"; do
	python3 "$TESTS_DIR/fakes/fakes.py" --kind loki --port "$p" --state "$TEST_TMP/fake$p" > "$TEST_TMP/fake$p.log" 2>&1 &
	PIDS+=($!)
done
trap 'tui_stop; kill "${PIDS[@]}" 2>/dev/null; wait "${PIDS[@]}" 2>/dev/null' EXIT
canned() {  # url path fixture
	python3 -c 'import json,sys; print(json.dumps({"path": sys.argv[1], "status": 200, "body": json.load(open(sys.argv[2]))}))' "$2" "$3" |
		curl -sf -XPOST "$1/__fake/override" -d @- > /dev/null
}
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["cluster"]={"status":"ready","peers":[{"name":"a","address":"x:9094"},{"name":"b","address":"y:9094"}]}; json.dump(d,open(sys.argv[2],"w"))' \
	"$FX/status-disabled.json" "$TEST_TMP/status-ready2.json"
setup() {  # status fixture
	for p in "$P1" "$P2"; do
		U=http://127.0.0.1:$p
		wait_for 10 curl -sf "$U/__fake/ping" || { echo "Bail out! private fake did not start"; exit 1; }
		canned "$U" /api/v2/alerts "$FX/alerts-two.json"
		canned "$U" /api/v2/silences "$FX/silences-empty.json"
		canned "$U" /api/v2/status "$1"
		curl -sf -XPOST "$U/__fake/override" -d '{"path": "/-/ready", "status": 200, "body": "OK"}' > /dev/null
	done
}
printf '[ceres]\nsite = pair\ninterval = 1\ntimeout = 1\n[alertmanager]\nurl = http://127.0.0.1:%s http://127.0.0.1:%s\n' "$P1" "$P2" > "$TEST_TMP/config"

preview() {  # open the silence preview of the selected group
	tui_keys 2
	tui_wait "critical" 10 || return 1
	tui_keys s
	tui_wait "Labels to match" 5 || return 1
	tui_keys Enter
	tui_wait "duration:" 5 || return 1
	tui_keys Enter
	tui_wait "comment (required):" 5 || return 1
	tui_type "pair test"
	tui_keys Enter
	tui_wait "Silence: preview" 5
}

setup "$FX/status-disabled.json"
tui_start 160 45 -c "$TEST_TMP/config"
check "console up" tui_wait "ceres-top │ pair" 10
check "the cluster state is known (disabled)" tui_wait "cluster disabled" 10
check "the silence preview opens" preview
check "the preview says the pair is not clustered" tui_wait "NOT CLUSTERED (cluster disabled)" 3
check "... and how many peers will not have the silence" tui_has "not on the other 1 configured peer."
diag "$(tui_screen | grep -iE 'cluster|Alertmanager:')"
tui_keys Escape Escape Escape
tui_stop

setup "$TEST_TMP/status-ready2.json"
tui_start 160 45 -c "$TEST_TMP/config"
check "clustered pair: console up" tui_wait "ceres-top │ pair" 10
check "clustered pair: the cluster is ready" tui_wait "cluster ready" 10
check "clustered pair: the silence preview opens" preview
check "clustered pair: no NOT CLUSTERED warning" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'NOT CLUSTERED'"
tui_keys Escape Escape Escape
tui_stop
for p in "$P1" "$P2"; do
	check "no silence was posted to peer $p" bash -c "! grep -q 'POST /api/v2/silences' '$TEST_TMP/fake$p.log'"
done
finish
