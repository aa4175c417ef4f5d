#!/bin/bash
# The sites screen over three sites (tests/integration/fleet-lib.sh):
# alpha (a critical alert) and beta with their own real Alertmanager and
# Prometheus, gamma hanging.  The screen comes first, lists all three
# worst first with gamma marked, alpha and beta with fresh data; Enter
# opens alpha with its alert on screen at once; H comes back; / filters;
# :site works from the console; it fits 60x15 and 200x60, and speaks
# Russian under ru_RU.UTF-8.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
. "$(dirname "$0")/../integration/fleet-lib.sh"
cleanup() { tui_stop; fleet_stop; }
trap cleanup EXIT
export USER=ceres-fleet-test
fleet_start

row() { tui_screen | grep -E "^[> ] $1 "; }
row_has() { row "$1" | grep -qE -- "$2"; }
# The site names on screen, in order.
sites_shown() { tui_screen | grep -oE '^[> ] (alpha|beta|gamma) ' | tr -d '> ' | tr '\n' ' '; }
shown_is() { [ "$(sites_shown)" = "$1" ]; }
fresh() { row "$1" | grep -qE ' [0-2]s( |$)'; }
narrow() { ! tui_screen | awk -v w="$1" '{ if (length($0) > w) exit 0 } END { exit 1 }'; }

# The exit status, written by a wrapper (tmux's pane status is not kept
# on every version).
printf '#!/bin/sh\n"%s" "$@"\necho "exit=$?" > "%s/exit"\n' "$CERES_TOP" "$TEST_TMP" > "$TEST_TMP/wrap.sh"
chmod +x "$TEST_TMP/wrap.sh"
CERES_TOP=$TEST_TMP/wrap.sh tui_start 120 30 -c "$FLEET_CFG"
check "the sites screen comes first" tui_wait "ceres-top │ fleet │" 10
check "alpha: critical, 1 critical alert" wait_for 10 row_has alpha 'CRITICAL +[0-9]+/[0-9]+ +1 +0 '
check "beta: ok, services up" wait_for 10 row_has beta 'OK +([0-9]+)/\1 +0 +0 '
check "gamma: marked unknown, with what fails" wait_for 10 row_has gamma 'UNKNOWN .*timed out'
check "alpha has fresh data (age under 3 s)" fresh alpha
check "beta has fresh data (age under 3 s)" fresh beta
check "worst first: alpha, then gamma, then beta" shown_is "alpha gamma beta "

tui_keys ?
check "? on the sites screen lists its keys" tui_wait "Keys of the sites screen" 3
check "and the key back from the console" tui_has "open the site in the console (H comes back)"
tui_keys Escape
tui_wait_gone "Keys of the sites screen" 3

# Enter on alpha (selected first): the console, its alert at once.
tui_keys g Enter
check "Enter opens alpha's console with its alert at once" tui_wait "AlphaDiskFull" 1
check "the header names alpha" tui_has "ceres-top │ alpha │"
tui_keys H
check "H comes back to the sites screen" tui_wait "ceres-top │ fleet │" 2
check "the sites are all still there" shown_is "alpha gamma beta "

# The hanging site opens too, and shows what fails; back again.
tui_keys /
tui_type "gam"
tui_keys Enter
check "/ filters by name: only gamma" wait_for 3 shown_is "gamma "
tui_keys Enter
check "gamma opens, its backends shown down" tui_wait "ceres-top │ gamma │" 2
# Its requests time out after 2 s: seen within 1 s, it was not asked again.
check "and what fails is on screen at once (no new 2 s wait)" tui_wait "timed out" 1
tui_keys H
check "back on the sites screen, the filter kept" tui_wait "│ /gam" 2
tui_keys Escape
check "Esc clears the filter" wait_for 3 shown_is "alpha gamma beta "

# :site from the console opens a site of the fleet the same way.
tui_keys Enter
tui_wait "ceres-top │ " 2
tui_keys :
tui_type "site beta"
tui_keys Enter
check ":site beta opens beta at once" tui_wait "ceres-top │ beta │" 2
check "beta's services are there" tui_wait "prometheus" 2
tui_keys :
tui_type "site nowhere"
tui_keys Enter
check ":site of an unknown site is refused" tui_wait "cannot switch to site nowhere" 3

# Small and large terminals.
tui_keys H
tui_resize 60 15
check "60x15: the three rows fit" wait_for 3 shown_is "alpha gamma beta "
check "60x15: no line wider than the screen" narrow 60
tui_resize 200 60
check "200x60: the newest-change column title" tui_wait "NEWEST CHANGE / PROBLEM" 3
tui_keys q
check "q quits" wait_for 5 tui_dead
check "exit status 0" wait_for 3 grep -qx "exit=0" "$TEST_TMP/exit"
check "nothing on stderr" bash -c "[ ! -s '$TEST_TMP/tui-stderr.txt' ]"
tui_stop

# Russian.
if locale -a 2>/dev/null | grep -qi '^ru_RU\.utf-\?8$'; then
	mkdir -p "$TEST_TMP/locale/ru/LC_MESSAGES"
	msgfmt -o "$TEST_TMP/locale/ru/LC_MESSAGES/ceres-top.mo" "$TESTS_DIR/../po/ru.po"
	export CERES_TOP_LOCALEDIR=$TEST_TMP/locale
	LANG=ru_RU.UTF-8 LC_ALL=ru_RU.UTF-8 tui_start 100 24 -c "$FLEET_CFG" --fleet
	check "ru: the sites screen in Russian" tui_wait "ПЛОЩАДКА" 10
	check "ru: gamma marked" wait_for 10 row_has gamma 'НЕИЗВЕСТНО'
	tui_stop
else
	diag "no ru_RU.UTF-8 locale: the Russian screen is not checked"
fi
finish
