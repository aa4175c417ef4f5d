# Driving the real binary in tmux, as a person would: type keys, read the
# screen, wait for text with a deadline.  One private tmux server per test.
# Usage: . "$(dirname "$0")/../lib/tui.sh"  (after common.sh)

TUI_SOCK="ceres-test-$$"
TUI_SESSION=t

# tui_start COLS ROWS ARGS...: start ceres-top in a detached session.
tui_start() {
	local cols=$1 rows=$2; shift 2
	local cmd="$CERES_TOP"
	for a in "$@"; do cmd="$cmd $(printf '%q' "$a")"; done
	# Start a placeholder, turn remain-on-exit on, then respawn the pane
	# with the program: its exit status is then always recorded.
	tmux -L "$TUI_SOCK" -f /dev/null new-session -d -s "$TUI_SESSION" -x "$cols" -y "$rows" \
		-e TERM=tmux-256color -e LANG="${LANG:-C.UTF-8}" -e LC_ALL="${LC_ALL:-}" "sleep 86400"
	tmux -L "$TUI_SOCK" set -t "$TUI_SESSION" remain-on-exit on >/dev/null
	tmux -L "$TUI_SOCK" respawn-pane -k -t "$TUI_SESSION" \
		"stty sane; exec env TERM=tmux-256color $cmd 2>$TEST_TMP/tui-stderr.txt"
}
tui_keys() { tmux -L "$TUI_SOCK" send-keys -t "$TUI_SESSION" "$@"; }
# tui_type TEXT: literal text (no key names).
tui_type() { tmux -L "$TUI_SOCK" send-keys -t "$TUI_SESSION" -l "$1"; }
tui_screen() { tmux -L "$TUI_SOCK" capture-pane -t "$TUI_SESSION" -p "$@"; }
tui_has() { tui_screen | grep -qF -- "$1"; }
tui_has_re() { tui_screen | grep -qE -- "$1"; }
# tui_wait TEXT [SECONDS]: wait until TEXT is on screen.
tui_wait() { wait_for "${2:-10}" tui_has "$1"; }
tui_wait_gone() { wait_for "${2:-10}" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t '$TUI_SESSION' -p | grep -qF -- \"\$1\"" _ "$1"; }
tui_dead() { [ "$(tmux -L "$TUI_SOCK" display -p -t "$TUI_SESSION" '#{pane_dead}')" = 1 ]; }
tui_status() { tmux -L "$TUI_SOCK" display -p -t "$TUI_SESSION" '#{pane_dead_status}'; }
tui_resize() { tmux -L "$TUI_SOCK" resize-window -t "$TUI_SESSION" -x "$1" -y "$2"; }
tui_pid() { tmux -L "$TUI_SOCK" display -p -t "$TUI_SESSION" '#{pane_pid}'; }
tui_stop() { tmux -L "$TUI_SOCK" kill-server >/dev/null 2>&1 || true; }
trap tui_stop EXIT
