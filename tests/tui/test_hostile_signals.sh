#!/usr/bin/env bash
# Signals and the terminal: SIGTERM, SIGHUP, SIGINT (kill and Ctrl-C), a
# crash (SIGSEGV, SIGABRT, SIGBUS sent with kill) and a lost SSH connection
# (tmux kill-session; HUP of the pane's shell; a parent that blocked
# SIGHUP) all leave the terminal usable: back in cooked mode (stty -a on
# the pty after the process died), out of the alternate screen, cursor
# visible, and no process left behind.  A resize storm (1,000 SIGWINCH
# plus real tmux resizes, three times) neither crashes nor leaks.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
sandbox_env

D=$TEST_TMP/hostile-signals
mkdir -p "$D"
cp "$SANDBOX_DIR/config" "$D/config"
chmod 600 "$D/config"
T() { tmux -L "$TUI_SOCK" "$@"; }
fmt() { T display -p -t "$1" "$2" 2>/dev/null; }
# A session that outlives the others: without it the server exits with
# the last killed session, and the next new-session can race its exit.
T -f /dev/null new-session -d -s keep "sleep 100000"

# start NAME [PREFIX]: ceres-top in a session of its own, inside a shell
# that records its exit status and then the pty's settings, and stays.
start() {
	local s=$1 prefix=${2:-}
	rm -f "$D/$s".*
	cat > "$D/$s.sh" <<EOF
ulimit -c 0
stty sane
trap : INT
$prefix sh -c 'exec "\$@" 2> "\$0"' "$D/$s.stderr" "$CERES_TOP" -c "$D/config"
echo \$? > "$D/$s.rc"
stty -a > "$D/$s.stty"
exec sleep 600
EOF
	T -f /dev/null new-session -d -s "$s" -x 120 -y 40 -e TERM=tmux-256color \
		-e LANG="${LANG:-C.UTF-8}" "sh $D/$s.sh"
	T set -t "$s" remain-on-exit on >/dev/null
	wait_for 15 bash -c 'tmux -L "$1" capture-pane -t "$2" -p | grep -q "ceres-top"' _ "$TUI_SOCK" "$s"
}
# The ceres-top process of a session: the child of the pane's shell
# (waited for: the screen can show before pgrep sees the exec).
ctop_pid_now() { pgrep -P "$(fmt "$1" '#{pane_pid}')" -x ceres-top 2>/dev/null | head -1; }
ctop_pid() {
	local p i
	for ((i = 0; i < 50; i++)); do
		p=$(ctop_pid_now "$1")
		[ -n "$p" ] && { echo "$p"; return 0; }
		sleep 0.1
	done
	return 1
}
# cooked FILE: stty -a says canonical mode, echo, signals, CR/NL mapping.
cooked() {
	local f=$1 w
	[ -s "$f" ] || return 1
	for w in icanon echo isig icrnl opost onlcr; do
		grep -qE "(^|[ ;])$w([ ;]|$)" "$f" || { echo "missing $w" >&2; return 1; }
	done
}
raw_now() { stty -a -F "$(fmt "$1" '#{pane_tty}')" | grep -q -- '-icanon'; }
running_raw() { raw_now "$1" && [ "$(fmt "$1" '#{alternate_on}')" = 1 ]; }
gone() { ! kill -0 "$1" 2>/dev/null; }

# ---- one case per signal: kill, then look at the pty and the screen.
for sig in TERM HUP INT SEGV ABRT BUS ctrl-c; do
	s=sig-$sig
	start "$s"
	pid=$(ctop_pid "$s")
	[ -n "$pid" ] || { not_ok "$sig: ceres-top started"; continue; }
	# The checks below can fail: the console really is raw and on the
	# alternate screen while it runs.
	check "$sig: while running the pty is raw and on the alternate screen" running_raw "$s"
	if [ "$sig" = ctrl-c ]; then T send-keys -t "$s" C-c; else kill -"$sig" "$pid"; fi
	check "$sig: process is gone" wait_for 5 gone "$pid"
	check "$sig: the shell ran on" wait_for 5 test -s "$D/$s.stty"
	case $sig in
	TERM|HUP|INT|ctrl-c) want=0 ;;
	SEGV) want=139 ;; ABRT) want=134 ;; BUS) want=135 ;;
	esac
	check "$sig: exit status $(cat "$D/$s.rc" 2>/dev/null) = $want" test "$(cat "$D/$s.rc" 2>/dev/null)" = "$want"
	check "$sig: pty back in cooked mode (stty -a)" wait_for 5 cooked "$D/$s.stty"
	check "$sig: alternate screen left" test "$(fmt "$s" '#{alternate_on}')" = 0
	check "$sig: cursor visible" test "$(fmt "$s" '#{cursor_flag}')" = 1
	check "$sig: nothing on stderr" test ! -s "$D/$s.stderr"
	T kill-session -t "$s"
done

# ---- lost connection: the terminal disappears under the console.
start lost-kill
pid=$(ctop_pid lost-kill)
T kill-session -t lost-kill
check "tmux kill-session (lost SSH): console exits" wait_for 5 gone "$pid"

start lost-hup
pid=$(ctop_pid lost-hup)
kill -HUP "$(fmt lost-hup '#{pane_pid}')"
check "HUP of the pane's shell: console exits" wait_for 5 gone "$pid"
T kill-session -t lost-hup 2>/dev/null

# A parent that blocked SIGHUP: only the terminal's hang-up tells.
start lost-blocked "python3 -c 'import os, signal, sys; signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP}); os.execvp(sys.argv[1], sys.argv[1:])'"
pid=$(ctop_pid lost-blocked)
[ -z "$pid" ] && pid=$(pgrep -P "$(fmt lost-blocked '#{pane_pid}')" | head -1)
check "SIGHUP blocked: console is running" test -n "$pid"
T kill-session -t lost-blocked
check "SIGHUP blocked, terminal gone: console exits (no spinning orphan)" wait_for 5 gone "$pid"
if ! gone "$pid"; then
	diag "still there: $(ps -o pid,stat,pcpu,cmd -p "$pid" | tail -1)"
	kill -KILL "$pid" 2>/dev/null
fi

# ---- resize storm: 1,000 SIGWINCH in a second plus real resizes, 3 times.
start storm
pid=$(ctop_pid storm)
rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
storm() {
	local t0=${EPOCHREALTIME/./} i
	for ((i = 0; i < 1000; i++)); do kill -WINCH "$pid" 2>/dev/null || return 1; done
	for i in 60x15 200x60 81x24 40x10 133x41 120x40; do T resize-window -t storm -x "${i%x*}" -y "${i#*x}"; done
	echo $(( (${EPOCHREALTIME/./} - t0) / 1000 ))
}
ms=$(storm)
check "first storm: 1,000 SIGWINCH + 6 resizes sent in ${ms:-?} ms (< 1 s)" test -n "$ms" -a "${ms:-9999}" -lt 1000
wait_for 10 bash -c 'tmux -L "$1" capture-pane -t storm -p | grep -q "Health"' _ "$TUI_SOCK"
rss1=$(rss "$pid")
for round in 2 3 4; do storm > /dev/null; done
check "console alive after four storms" kill -0 "$pid"
check "screen redrawn at the final size" wait_for 10 bash -c '
	s=$(tmux -L "$1" capture-pane -t storm -p); echo "$s" | grep -q "Health" && echo "$s" | head -1 | grep -q "ceres-top"' _ "$TUI_SOCK"
T send-keys -t storm '?'
check "keys still work after the storm" wait_for 5 bash -c 'tmux -L "$1" capture-pane -t storm -p | grep -q "this help"' _ "$TUI_SOCK"
T send-keys -t storm Escape
rss2=$(rss "$pid")
diag "RSS after the first storm ${rss1} kB, after three more ${rss2} kB"
check "RSS not growing with resizes (${rss1} -> ${rss2} kB, < +2 MB)" test $((rss2 - rss1)) -lt 2048
T send-keys -t storm q
check "q after the storm: clean exit" wait_for 5 test -s "$D/storm.rc"
check "exit status 0 after the storm" test "$(cat "$D/storm.rc")" = 0
check "terminal cooked after the storm" wait_for 5 cooked "$D/storm.stty"

finish
