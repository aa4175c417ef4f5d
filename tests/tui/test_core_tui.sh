#!/bin/bash
# The console in tmux, as a person uses it: every service on screen at
# 120x40 and 80x24, focus keys, help, details, resize, a hung backend that
# does not delay the keyboard or the other sources, and a clean exit.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
sandbox_env
CFG=$SANDBOX_DIR/config

# Run inside a wrapper that records the terminal modes after exit.
WRAP=$TEST_TMP/wrap.sh
cat > "$WRAP" <<W
#!/bin/sh
"$CERES_TOP" "\$@"
echo "exit=\$?" > "$TEST_TMP/exit"
stty -a > "$TEST_TMP/stty"
W
chmod +x "$WRAP"
CERES_TOP_REAL=$CERES_TOP
CERES_TOP=$WRAP

tui_start 120 40 -c "$CFG"
check "header shows site and state" tui_wait "ceres-top │ sandbox" 10
tui_keys z
check "z zooms the health pane" tui_wait_gone "2 Alerts" 3
for svc in prometheus postgres redis caddy grafana loki gitea keycloak; do
	check "120x40: health pane shows $svc" tui_wait "$svc" 10
done
check "postgres row is up with connections" tui_wait "pg 15." 10
check "redis row shows its role" tui_wait "master, 0 replicas" 10
tui_keys z
check "z again restores the five panes" tui_wait "2 Alerts" 3
check "five pane titles" bash -c "tmux -L $TUI_SOCK capture-pane -t t -p | grep -q '1 Health' && tmux -L $TUI_SOCK capture-pane -t t -p | grep -q '5 Readiness'"
tui_keys '?'
check "? opens the help overlay" tui_wait "move focus between panes" 3
tui_keys Escape
check "Esc closes it" tui_wait_gone "move focus between panes" 3
tui_keys Enter
check "Enter shows details of the selected service" tui_wait "consecutive failures" 3
tui_keys Escape
tui_keys 3
check "3 focuses the Logs pane" bash -c "tmux -L $TUI_SOCK capture-pane -t t -p -e | grep -q '3 Logs'"
tui_keys 1

# Resize to 80x24: still every pane title; then below 80x24: one pane.
tui_resize 80 24
check "80x24: layout adapts (Health and Readiness visible)" bash -c "sleep 0.1; for i in \$(seq 30); do s=\$(tmux -L $TUI_SOCK capture-pane -t t -p); echo \"\$s\" | grep -q '1 Health' && echo \"\$s\" | grep -q '5 Readiness' && exit 0; sleep 0.1; done; exit 1"
check "80x24: services still listed" tui_wait "caddy" 5
tui_resize 60 20
check "60x20: one pane at a time" bash -c "for i in \$(seq 30); do s=\$(tmux -L $TUI_SOCK capture-pane -t t -p); echo \"\$s\" | grep -q '1 Health' && ! echo \"\$s\" | grep -q '2 Alerts' && exit 0; sleep 0.1; done; exit 1"
tui_keys Tab
check "Tab moves to the next pane in single mode" tui_wait "2 Alerts" 3
tui_resize 120 40
check "back to 120x40: all panes" tui_wait "5 Readiness" 5
tui_keys q
check "q quits" wait_for 5 tui_dead
check "exit status 0" grep -q "exit=0" "$TEST_TMP/exit"
check "terminal left in cooked mode (icanon echo)" grep -qE '(^| )icanon( |$)' "$TEST_TMP/stty"
check "echo restored" grep -qE '(^| )echo( |$)' "$TEST_TMP/stty"
tui_stop

# A backend that never answers does not delay the keyboard or the others.
TUI_SOCK="ceres-test-$$-b"
curl -s -XPOST "127.0.0.1:$GRAFANA_PORT/__fake/override" -d '{"path":"/api/health","delay":120}' >/dev/null
tui_start 120 40 -c "$CFG"
tui_keys z
check "other sources show while grafana hangs" tui_wait "redis 7" 10
t0=$(date +%s%N)
tui_keys '?'
tui_wait "move focus between panes" 5
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "a key takes effect within 500 ms while a backend hangs (${ms} ms)" [ "$ms" -lt 500 ]
tui_keys Escape
check "grafana shown as timed out after its timeout" tui_wait "timed out" 15
tui_keys q
check "quits while a request is still hanging" wait_for 5 tui_dead
curl -s -XPOST "127.0.0.1:$GRAFANA_PORT/__fake/reset" >/dev/null
tui_stop

# SIGTERM restores the terminal too.
TUI_SOCK="ceres-test-$$-c"
tui_start 100 30 -c "$CFG"
tui_wait "postgres" 10
pid=$(pgrep -f "$CERES_TOP_REAL -c $CFG" | head -1)
kill -TERM "$pid"
check "SIGTERM ends the console" wait_for 5 tui_dead
check "SIGTERM: exit status 0" grep -q "exit=0" "$TEST_TMP/exit"
check "SIGTERM: terminal in cooked mode" grep -qE '(^| )icanon( |$)' "$TEST_TMP/stty"
tui_stop
finish
