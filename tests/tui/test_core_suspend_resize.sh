#!/usr/bin/env bash
# Ctrl-Z, a resize while stopped, then fg: the window's SIGWINCH went to
# the shell, so the console must read the size again on SIGCONT and draw
# at the new size at once, without waiting for a key.  The key line (the
# bottom row) is on the last row of the new, smaller window and the
# header fills the new width.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"

printf '[ceres]\nsite = suspend\ninterval = 1\n' > "$TEST_TMP/config"
# An interactive shell with job control, so that Ctrl-Z stops the
# console and fg continues it.
tmux -L "$TUI_SOCK" -f /dev/null new-session -d -s "$TUI_SESSION" -x 120 -y 40 \
	-e TERM=tmux-256color -e LANG="${LANG:-C.UTF-8}" "env -i HOME=$HOME PATH=$PATH TERM=tmux-256color LANG=${LANG:-C.UTF-8} PS1='PROMPT\$ ' bash --norc -i"
sleep 0.5
tui_type "stty sane; $(printf '%q' "$CERES_TOP") -c $(printf '%q' "$TEST_TMP/config") 2>$TEST_TMP/tui-stderr.txt"
tui_keys Enter
check "the console starts at 120x40" tui_wait "ceres-top │ suspend"
last_row() { tui_screen | tail -1; }
check "the key line is on the last row" bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | tail -1 | grep -q 'quit'"
tui_keys C-z
check "Ctrl-Z stops the console (shell prompt back)" wait_for 5 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'Stopped'"
tui_resize 90 25
sleep 0.5
tui_type "fg"
tui_keys Enter
sleep 1.5
diag "$(tui_screen | head -2)"
diag "last row: $(last_row)"
check "after fg the key line is on the new last row, no key pressed" bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | tail -1 | grep -q 'quit'"
check "the header is laid out for 90 columns" bash -c "[ \$(tmux -L '$TUI_SOCK' capture-pane -t t -p | wc -l) -eq 25 ] && tmux -L '$TUI_SOCK' capture-pane -t t -p | head -1 | grep -q 'ceres-top'"
tui_keys q
check "the console quits" wait_for 5 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'PROMPT'"
diag "$(tui_screen | grep -v '^$' | tail -3)"
tui_stop
finish
