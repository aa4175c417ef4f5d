#!/usr/bin/env bash
# A pane's command acts on the focused pane or says it cannot: ":filter
# foo" with the readiness pane focused does not filter the (unfocused)
# activity pane, it says that :filter belongs to the activity pane; with
# the activity pane focused it filters.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"

PB=${SANDBOX_PORT_BASE:-${CERES_TEST_PORT_BASE:-}}
if [[ -n $PB ]]; then
	PF=$((PB + 535))
else
	PF=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
U=http://127.0.0.1:$PF
python3 "$TESTS_DIR/fakes/fakes.py" --kind loki --port "$PF" --state "$TEST_TMP/fake" > "$TEST_TMP/fake.log" 2>&1 &
FAKE_PID=$!
trap 'tui_stop; kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null' EXIT
wait_for 10 curl -sf "$U/__fake/ping" || { echo "Bail out! private fake did not start"; exit 1; }
printf '[ceres]\nsite = focus\n[gitea]\nurl = http://127.0.0.1:1\n[loki]\nurl = %s\n' "$U" > "$TEST_TMP/config"
# The panes, without the bottom line (where messages are shown).
panes() { tui_screen | head -n -1; }
tui_start 160 40 -c "$TEST_TMP/config"
check "console starts" tui_wait "focus"
tui_keys 5
tui_type ':filter foo'; tui_keys Enter
check ":filter with readiness focused says it cannot" tui_wait ":filter acts on the activity pane" 5
check "... and the activity pane is not filtered" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | head -n -1 | grep -q 'only foo'"
tui_keys 4
tui_type ':filter foo'; tui_keys Enter
check ":filter with the activity pane focused filters it" tui_wait "only foo" 5
tui_keys F
sleep 0.5
check "F in the activity pane is not 'clear filters' any more" bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | head -n -1 | grep -q 'only foo'"
tui_keys c
check "c clears the activity filters" wait_for 5 bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | head -n -1 | grep -q 'only foo'"

last() { tui_screen | tail -1; }
tui_keys 3 f
tui_type 'abc'; tui_keys Enter
check "logs f sets a show-only filter" tui_wait "f:abc" 5
tui_keys f
check "logs f opens empty, naming the current pattern" wait_for 5 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | tail -1 | grep -qE 'now abc.*: *\$'"
diag "$(last)"
tui_keys Enter
check "Enter on the empty prompt turns the filter off (not re-applied)" tui_wait_gone "f:abc" 5
tui_keys F
tui_type 'xyz'; tui_keys Enter
check "logs F sets a hide filter" tui_wait "F:xyz" 5
tui_keys c
check "c clears the logs filters" tui_wait_gone "F:xyz" 5
tui_stop
finish
