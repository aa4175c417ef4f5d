#!/usr/bin/env bash
# Memcheck against the sandbox: `valgrind --leak-check=full
# --error-exitcode=1 ceres-top --once` in every format, against hostile
# backends, --check-config, and the console (keys, resizes, q; and a
# SIGTERM) report no leak (definite, indirect or possible) and no error.
# ncurses keeps some memory reachable until exit by design: "still
# reachable" is allowed, anything lost is not.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
sandbox_env

command -v valgrind >/dev/null || { echo "Bail out! valgrind is not installed"; exit 1; }
D=$TEST_TMP/hostile-valgrind
mkdir -p "$D"
HOSTILE=$TESTS_DIR/fakes/hostile.py
HBASE=$(( ${SANDBOX_PORT_BASE:-23000} + 640 ))
# ncurses keeps the tparm cache of libtinfo (a tsearch tree) until exit
# and, outside a debug build, never frees it: memcheck calls those blocks
# "possibly lost".  That, and only that, is suppressed.
# ncurses keeps an index of colour pairs (tsearch) that it frees only in
# exit_curses(); the pointer into the middle of a node reads as "possibly
# lost".
# PCRE2's JIT code (the logs pane's matchers) reads strings in aligned
# words, past the NUL into the rest of the heap block: memcheck sees a
# jump on uninitialised bytes in code it has no name for.  The second
# suppression matches only frames without any object ("???": three
# wildcards match no real path), that is JIT code.
cat > "$D/ncurses.supp" <<'EOF'
{
   ncurses-tinfo-tparm-cache
   Memcheck:Leak
   match-leak-kinds: possible
   ...
   fun:_nc_tiparm
}
{
   ncurses-color-pair-index
   Memcheck:Leak
   match-leak-kinds: possible
   fun:malloc
   fun:tsearch
   obj:*libncurses*
}
{
   pcre2-jit-reads-ahead
   Memcheck:Cond
   obj:???
   obj:???
}
EOF
VG=(valgrind --leak-check=full --error-exitcode=1 --errors-for-leak-kinds=definite,indirect,possible
    --suppressions="$D/ncurses.supp" --num-callers=30)

# clean LOG: the run's summary shows no error and nothing lost.
clean() {
	grep -q "ERROR SUMMARY: 0 errors" "$1" &&
	! grep -qE "(definitely|indirectly|possibly) lost: [1-9]" "$1" &&
	grep -qE "All heap blocks were freed|definitely lost: 0 bytes" "$1"
}
summary() { grep -hE "definitely lost|ERROR SUMMARY" "$1" | sed 's/^==[0-9]*== */# /'; }

# vg_once NAME ARGS...: one --once run under memcheck.  The exit status is
# the program's own (0-3) unless memcheck found errors (then 1, and the
# summary says so): both are checked.
vg_once() {
	local name=$1; shift
	"${VG[@]}" --log-file="$D/$name.vg" "$CERES_TOP" "$@" > "$D/$name.out" 2> "$D/$name.err"
	echo $? > "$D/$name.rc"
}

cp "$SANDBOX_DIR/config" "$D/config"
chmod 600 "$D/config"
for fmt in text json nagios; do
	vg_once "once-$fmt" --once --format "$fmt" --timeout 20 -c "$D/config"
	rc=$(cat "$D/once-$fmt.rc")
	summary "$D/once-$fmt.vg"
	check "valgrind --once --format $fmt: no error, no leak" clean "$D/once-$fmt.vg"
	check "valgrind --once --format $fmt: exit $rc is a plugin status" test "$rc" -ge 0 -a "$rc" -le 3
	check "valgrind --once --format $fmt: printed a snapshot" test -s "$D/once-$fmt.out"
done
check "the JSON snapshot under valgrind is valid" python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$D/once-json.out"

vg_once check-config --check-config -c "$D/config"
check "valgrind --check-config: no error, no leak" clean "$D/check-config.vg"
check "valgrind --check-config: exit 0" test "$(cat "$D/check-config.rc")" = 0

# ---- hostile backends: error paths free what they allocate too.
python3 "$HOSTILE" --port "$HBASE" --other-port $((HBASE + 1)) --ready-file "$D/ready" > "$D/hostile.log" 2>&1 &
HPID=$!
trap 'tui_stop; kill $HPID 2>/dev/null; wait $HPID 2>/dev/null' EXIT
check "hostile backend is up" wait_for 30 test -s "$D/ready"
cp "$SANDBOX_DIR/config" "$D/hostile.config"
python3 "$HOSTILE" --port "$HBASE" --other-port $((HBASE + 1)) --print-config >> "$D/hostile.config"
chmod 600 "$D/hostile.config"
vg_once hostile --once --format json --timeout 15 -c "$D/hostile.config"
summary "$D/hostile.vg"
check "valgrind --once with every hostile backend: no error, no leak" clean "$D/hostile.vg"
check "valgrind --once with hostile backends: exit 2 (critical)" test "$(cat "$D/hostile.rc")" = 2

# ---- the console: keys, overlays, resizes, then q; and a SIGTERM.
# tui_start runs $CERES_TOP: a wrapper puts valgrind in front and writes
# down the exit status (tmux does not always report it).
VGWRAP=$D/vg-ceres-top
printf '#!/bin/sh\n%s --log-file="%s/$VG_NAME.vg" "%s" "$@"\necho $? > "%s/$VG_NAME.rc"\n' \
	"${VG[*]}" "$D" "$CERES_TOP" "$D" > "$VGWRAP"
chmod +x "$VGWRAP"
# The memcheck process: the wrapper's child.
vg_pid() { pgrep -P "$(tui_pid)" | head -1; }
exited_ok() { [ "$(cat "$D/$VG_NAME.rc" 2>/dev/null)" = 0 ]; }
for how in q term; do
	export VG_NAME=tui-$how
	TUI_SOCK=ceres-test-$$-$how	# a fresh tmux server: the last one may still be exiting
	CERES_TOP=$VGWRAP tui_start 120 40 -c "$D/hostile.config"
	check "console under valgrind ($how) starts" tui_wait "h-gzip-bomb" 60
	for k in '?' Escape Tab Tab z Enter Escape 1 j j Enter Escape r ':' Escape; do
		tui_keys "$k"
	done
	tui_resize 90 30; tui_resize 160 50; tui_resize 120 40
	check "console under valgrind ($how) redraws after resizes" tui_wait "Health" 20
	if [ "$how" = q ]; then
		tui_keys q
	else
		kill -TERM "$(vg_pid)"
	fi
	check "console under valgrind ($how) exits" wait_for 60 tui_dead
	summary "$D/$VG_NAME.vg"
	check "console under valgrind ($how): no error, no leak" clean "$D/$VG_NAME.vg"
	check "console under valgrind ($how): exit status 0" wait_for 5 exited_ok
	tui_stop
done

finish
