#!/usr/bin/env bash
# The key line follows the focus and fits the width: with the alerts pane
# focused it offers s, A, S and !; with the logs pane p and /; with the
# health pane Enter.  "? help" is always there, every item is whole (none
# cut in the middle) and the line never runs past the last column, at
# 160, 100 and 60 columns.  And :help VERB describes the panes' commands.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"

printf '[ceres]\nsite = keys\n[alertmanager]\nurl = http://127.0.0.1:1\n[loki]\nurl = http://127.0.0.1:1\n[gitea]\nurl = http://127.0.0.1:1\n' > "$TEST_TMP/config"
last() { tui_screen | tail -1; }
tui_start 160 40 -c "$TEST_TMP/config"
check "console starts" tui_wait "keys"
tui_keys 2
check "alerts focused: s silence, A ack, S silences, ! newest critical" wait_for 5 bash -c \
	"tmux -L '$TUI_SOCK' capture-pane -t t -p | tail -1 | grep -q 's silence  A ack  S silences' && tmux -L '$TUI_SOCK' capture-pane -t t -p | tail -1 | grep -q '! newest critical'"
tui_keys 3
check "logs focused: p pause and / search first" wait_for 5 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | tail -1 | grep -q '^p pause  / search'"
tui_keys 1
check "health focused: Enter details first" wait_for 5 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | tail -1 | grep -q '^Enter details'"
check "not the old fixed line" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | tail -1 | grep -q '^q quit'"
# :help VERB describes a pane's command too, not only the built-in ones.
tui_type ':help query'; tui_keys Enter
check ":help query has a description" tui_wait ":query LOGQL — tail another LogQL query" 5
tui_type ':help filter'; tui_keys Enter
check ":help filter has a description" tui_wait ":filter NAME — only repositories or projects matching NAME" 5
tui_keys 2
for cols in 160 100 60; do
	tui_resize "$cols" 30
	# (a message from :help may still be shown for a few seconds)
	check "at $cols columns '? help' is on the key line" wait_for 10 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | tail -1 | grep -qF '? help'"
	line=$(last)
	w=$(printf '%s' "$line" | sed 's/ *$//' | python3 -c 'import sys; print(len(sys.stdin.read()))')
	check "at $cols columns the line fits ($w < $cols)" test "$w" -lt "$cols"
	# Whole items only: the line ends with a complete known item.
	check "at $cols columns the last item is whole" bash -c "printf '%s' '$line' | sed 's/ *\$//' | grep -qE '(help|focus|command|quit|fold|search|details|silences|ack|silence|critical)\$'"
done
finish
