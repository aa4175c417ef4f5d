#!/usr/bin/env bash
# The worst is always on screen in the health pane: 23 services against a
# private fake; at 120x40 select the last row (1 G), move the focus away
# (2), resize to 200x60 (and through a storm of resizes), then one service
# goes down.  The pane's scroll fits its rows (no empty rows under a
# scrolled list), the down row is on screen (pinned at the top), and a
# scroll mark counts the rows that are not shown.  And two Alertmanager
# peers' rows keep their ports visible when the name column is narrow.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"

PB=${SANDBOX_PORT_BASE:-${CERES_TEST_PORT_BASE:-}}
if [[ -n $PB ]]; then
	PF=$((PB + 531))
else
	PF=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
U=http://127.0.0.1:$PF
python3 "$TESTS_DIR/fakes/fakes.py" --kind loki --port "$PF" --state "$TEST_TMP/fake" > "$TEST_TMP/fake.log" 2>&1 &
FAKE_PID=$!
trap 'tui_stop; kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null' EXIT
wait_for 30 curl -sf "$U/__fake/ping" || { echo "Bail out! private fake did not start"; exit 1; }
ov() { curl -sf -XPOST "$U/__fake/override" -d "$1" > /dev/null; }
ov '{"path": "/svc/", "prefix": true, "status": 200, "body": "ok"}'
ov '{"path": "/-/ready", "status": 200, "body": "OK"}'

{
	printf '[ceres]\nsite = scroll\ninterval = 1\ntimeout = 1\nhealth_backoff_max = 2\n'
	for i in $(seq -w 1 22); do
		printf '[service "svc%s"]\nkind = http\nurl = %s/svc/%s\n' "$i" "$U" "$i"
	done
	printf '[service "redis-standin"]\nkind = http\nurl = %s/svc/redis\n' "$U"
	# Two HA peers: their rows are too long for the name column at 120.
	printf '[alertmanager]\nurl = http://127.0.0.1:%s http://localhost:%s\n' "$PF" "$PF"
} > "$TEST_TMP/config"

# health_rows: the lines of the health pane's box (between its borders).
health_rows() { tui_screen | awk '/─ 1 Health/ {on=1; next} on && /^└/ {exit} on {print}'; }
shown() { health_rows | grep -cE '^│(up|down|degraded|unknown) '; }
empty() { health_rows | grep -cE '^│ +│' || true; }

tui_start 120 40 -c "$TEST_TMP/config"
check "console starts" wait_for 10 tui_has "redis-standin"
check "at 120x40 rows are hidden and the mark says how many" wait_for 10 tui_has_re '▼ [0-9]+ more below'
check "HA peers: the port stays visible, the host is shortened" wait_for 10 tui_has_re "alertmanager 127[0-9.]*…:$PF "
check "HA peers: the other peer's port too" tui_has_re "alertmanager l[a-z]*…:$PF "
tui_keys 1 G 2
check "at 120x40 a scroll mark counts the hidden rows" wait_for 5 tui_has_re '▲ [0-9]+ more above'
tui_resize 200 60
sleep 0.5
check "after the resize no empty rows under the scrolled list ($(empty) empty)" wait_for 5 bash -c "[ \$(tmux -L '$TUI_SOCK' capture-pane -t t -p | awk '/─ 1 Health/ {on=1; next} on && /^└/ {exit} on {print}' | grep -cE '^│ +│') -eq 0 ]"
for i in $(seq 1 25); do tui_resize $((100 + i * 3)) $((30 + i)); tui_resize 200 60; done
sleep 0.5
check "after a resize storm the list still fits ($(shown) rows shown)" test "$(empty)" -eq 0
ov '{"path": "/svc/redis", "status": 503, "body": "down for the test"}'
check "the down row is on screen without scrolling" wait_for 15 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -E '^│down +redis-standin' >/dev/null"
check "the down row is the first row of the pane" bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | awk '/─ 1 Health/ {getline; print; exit}' | grep -q 'redis-standin'"
check "the selection stayed where it was (svc22 on screen)" tui_has "svc22"
tui_resize 120 40
check "back at 120x40: the down row still on screen" wait_for 5 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -E '^│down +redis-standin' >/dev/null"
check "and the hidden rows counted" wait_for 5 tui_has_re 'more above'
finish
