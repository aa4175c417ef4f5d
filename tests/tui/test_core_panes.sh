#!/usr/bin/env bash
# --panes in the console: only the panes asked for are on screen (a pane
# not asked for would say something untrue, "no services configured"),
# they share the room, the first of them has the focus, Tab and Shift-Tab
# go round them only, and the number key of a pane not shown does
# nothing.  At 120x30 and 60x15.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"

printf '[ceres]\nsite = panes\n[service "web"]\nurl = http://127.0.0.1:1/\n[alertmanager]\nurl = http://127.0.0.1:1\n[loki]\nurl = http://127.0.0.1:1\n' > "$TEST_TMP/config"
last() { tui_screen | tail -1; }
titles() { tui_screen | grep -oE '─ [1-5] [A-Z][a-z]+' | sed 's/─ //' | sort | tr '\n' ','; }

tui_start 120 30 -c "$TEST_TMP/config" --panes alerts,logs
check "console starts" tui_wait "panes"
check "only the alerts and logs panes are shown ($(titles))" wait_for 5 bash -c '[ "$(tmux -L '"$TUI_SOCK"' capture-pane -t t -p | grep -oE "─ [1-5] [A-Z][a-z]+" | sed "s/─ //" | sort | tr "\n" ",")" = "2 Alerts,3 Logs," ]'
check "no health pane (it would say the service is not configured)" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'Health'"
check "the alerts pane has the focus: its keys on the key line" wait_for 5 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | tail -1 | grep -q 's silence'"
check "the two panes share the height (logs pane below the middle)" bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -n '─ 3 Logs' | cut -d: -f1 | awk '{exit !(\$1 > 10 && \$1 < 25)}'"
tui_keys Tab
check "Tab: the logs pane" wait_for 5 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | tail -1 | grep -q '^p pause'"
tui_keys Tab
check "Tab again: back to alerts (activity and readiness skipped)" wait_for 5 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | tail -1 | grep -q 's silence'"
tui_keys BTab
check "Shift-Tab: the logs pane" wait_for 5 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | tail -1 | grep -q '^p pause'"
tui_keys 1
sleep 0.5
check "1 (health, not shown) leaves the focus on logs" bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | tail -1 | grep -q '^p pause'"
tui_keys 2
check "2 focuses alerts" wait_for 5 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | tail -1 | grep -q 's silence'"
tui_resize 60 15
check "60x15: one pane at a time, the focused one" wait_for 5 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q '─ 2 Alerts' && ! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'Health'"
tui_keys q
check "q quits" wait_for 5 tui_dead
tui_stop

# Without --panes every pane is there, health first.
tui_start 120 30 -c "$TEST_TMP/config"
check "all five panes by default" wait_for 5 bash -c '[ "$(tmux -L '"$TUI_SOCK"' capture-pane -t t -p | grep -oE "─ [1-5] [A-Z][a-z]+" | wc -l)" -eq 5 ]'
check "health focused first" wait_for 5 bash -c "tmux -L '$TUI_SOCK' capture-pane -t t -p | tail -1 | grep -q '^Enter details'"
tui_stop
finish
