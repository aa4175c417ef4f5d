#!/usr/bin/env bash
# Under LANG=C the console's own symbols fall back to ASCII (│ → |,
# ▾ → v, × → x, … → ~, sparkline blocks → _ = #) instead of one "?" per
# byte.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"

PB=${SANDBOX_PORT_BASE:-${CERES_TEST_PORT_BASE:-}}
if [[ -n $PB ]]; then
	PF=$((PB + 534))
else
	PF=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
U=http://127.0.0.1:$PF
python3 "$TESTS_DIR/fakes/fakes.py" --kind loki --port "$PF" --state "$TEST_TMP/fake" > "$TEST_TMP/fake.log" 2>&1 &
FAKE_PID=$!
trap 'tui_stop; kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null' EXIT
wait_for 30 curl -sf "$U/__fake/ping" || { echo "Bail out! private fake did not start"; exit 1; }
printf '[ceres]\nsite = ascii\ninterval = 1\n[service "umlaut"]\nkind = http\nurl = %s/svc\n' "$U" > "$TEST_TMP/config"

export LANG=C LC_ALL=C
tui_start 200 30 -c "$TEST_TMP/config"
check "console starts under LANG=C" tui_wait "ascii"
check "the header separators are ASCII |" wait_for 5 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | head -1 | grep -q ' | ascii | '"
check "no '???' anywhere on screen" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -qF '???'"
check "the sparkline is ASCII (#)" wait_for 10 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -E 'umlaut' | grep -qE '[_=#]'"
check "still no '?' on the service's row" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -E 'umlaut' | grep -qF '?'"
finish
