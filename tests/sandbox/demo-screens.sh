#!/bin/bash
# Capture the README's sample screens from the demo as it is: runs
# ./demo.sh in a private tmux server (120x40), waits for the story (the
# critical alert and the log lines), and prints, indented for the README:
# the console, the critical alert's details (2, Enter on it), the activity pane zoomed
# (4, z), the push's details, and `ceres-top --once --panes health,alerts,activity` against
# the same sandbox.  Quits the demo
# (q), which stops the sandbox and removes its directory.
#   tests/sandbox/demo-screens.sh > screens.txt
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SOCK=ceres-demo-screens.$$
DIR=${CERES_DEMO_DIR:-/tmp/ceres-top-demo}
t() { tmux -L "$SOCK" "$@"; }
screen() { t capture-pane -t s -p | sed 's/[[:space:]]*$//; s/^/    /'; }
wait_screen() {  # regex seconds
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		t capture-pane -t s -p | grep -qE "$1" && return 0
		sleep 0.1
	done
	echo "demo-screens: no '$1' on the screen after $2 s" >&2
	screen >&2
	return 1
}
trap 't kill-server 2>/dev/null || true' EXIT
t -f /dev/null new-session -d -s s -x 120 -y 40 -e TERM=tmux-256color -e LANG=C.UTF-8 \
	"CERES_DEMO_DIR=$DIR ./demo.sh; sleep 30"
wait_screen 'crit DatabaseConnectionPoolExhausted' 300
wait_screen 'too many clients' 30
sleep 3   # one more poll round: ages and latencies settle
echo "The console (120x40):"
echo
screen
echo
t send-keys -t s 2 k k k k j Enter
wait_screen 'Runbook' 10
sleep 0.5
echo "The critical alert's details (2, Enter on it):"
echo
screen
t send-keys -t s Escape 4 z
sleep 1
echo
echo "The activity pane zoomed (4, z):"
echo
screen
t send-keys -t s k k k k k k k k k k j j j j j Enter
wait_screen 'max_connections 200' 10
sleep 0.5
echo
echo "The push that explains it (j to it, Enter):"
echo
screen
t send-keys -t s Escape
echo
echo "    \$ ceres-top --once --panes health,alerts,activity"
"$ROOT/_build/ceres-top" -c "$DIR/config" --once --panes health,alerts,activity | sed 's/^/    /' || true
t send-keys -t s z q
for ((i = 0; i < 300; i++)); do [ -e "$DIR" ] || break; sleep 0.1; done
