#!/bin/bash
# The readiness pane shows the score over time: with two points in the
# history file (30 and 7 days before the console's clock), the console's
# first full round adds a third, and each category line shows a sparkline
# and its change since 7 and 30 days, the total line likewise.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
sandbox_env
S=$TEST_TMP/state
mkdir -p "$S"
CFG=$TEST_TMP/ceres.conf
{
	sed -e "/^\[ceres\]/a state_dir = $S" "$SANDBOX_DIR/config"
	printf '\n[readiness]\ninterval = 1\n'
} > "$CFG"
chmod 600 "$CFG"
HF=$S/readiness-history-sandbox.txt
T=1796000400
printf '# seeded\n%d 0 0 0 0 0 0 0\n%d 10 10 10 10 10 10 10\n' $((T - 30 * 86400)) $((T - 7 * 86400)) > "$HF"
export CERES_TOP_TEST_NOW=$T
trap tui_stop EXIT

tui_start 160 45 -c "$CFG"
check "console up" tui_wait "ceres-top │ sandbox" 10
tui_keys 5 z
check "readiness pane zoomed" tui_wait "Score " 10
check "the first full round adds a point at the console's clock" wait_for 20 grep -q "^$T " "$HF"
# As a regular expression: "7d \+26 30d \+36".
want() { printf '7d %+d 30d %+d' $(($1 - 10)) "$1" | sed 's/+/\\+/g'; }
# The round's point may be replaced within the hour while evidence still
# arrives: wait until the screen shows what the file holds.
settled() {
	line=$(grep "^$T " "$HF")
	read -r _ sec avail obs integ manage perf total <<<"$line"
	tui_has_re "Security .*[▁▂▃▄▅▆▇█]{3} $(want "$sec")" &&
	    tui_has_re "Availability .*[▁▂▃▄▅▆▇█]{3} $(want "$avail")" &&
	    tui_has_re "Score [0-9]+/[0-9]+ .*[▁▂▃▄▅▆▇█]{3} $(want "$total")"
}
wait_for 20 settled
settled
diag "point: $line"
check "Security: a sparkline and its changes ($(want "$sec"))" tui_has_re "Security .*[▁▂▃▄▅▆▇█]{3} $(want "$sec")"
check "Observability: $(want "$obs")" tui_has_re "Observability .*[▁▂▃▄▅▆▇█]{3} $(want "$obs")"
check "Performance: $(want "$perf")" tui_has_re "Performance .*[▁▂▃▄▅▆▇█]{3} $(want "$perf")"
check "the total line: $(want "$total")" tui_has_re "Score [0-9]+/[0-9]+ .*[▁▂▃▄▅▆▇█]{3} $(want "$total")"
check "the sparkline starts at the lowest block (0 %)" tui_has_re "Security .*▁▁[▁▂▃▄▅▆▇█] 7d"
tui_keys q
check "console exits" wait_for 10 tui_dead
check "three points in the file" [ "$(grep -vc '^#' "$HF")" -eq 3 ]
finish
