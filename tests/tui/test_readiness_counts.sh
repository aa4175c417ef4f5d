#!/usr/bin/env bash
# A readiness category reads consistently: its score is by weight (said
# so on the total line), and its checks are counted apart, passed +
# failed + unknown being exactly the checks listed under it.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"

printf '[ceres]\nsite = counts\n' > "$TEST_TMP/config"
tui_start 160 50 -c "$TEST_TMP/config"
check "console starts" tui_wait "counts"
tui_keys 5 z
check "the total line says the score is by weight" tui_wait "by weight" 10
check "the total line counts checks" tui_has_re "checks: passed [0-9]+  failed [0-9]+  unknown [0-9]+ \(not counted\)"
for c in Security Availability; do
	[ "$c" = Availability ] && tui_keys l
	sleep 0.5
	line=$(tui_screen | grep -E "▸ $c" | head -1)
	diag "$line"
	p=$(sed -nE 's/.*passed ([0-9]+).*/\1/p' <<< "$line")
	f=$(sed -nE 's/.*failed ([0-9]+).*/\1/p' <<< "$line")
	u=$(sed -nE 's/.* ([0-9]+) unknown.*/\1/p' <<< "$line"); u=${u:-0}
	rp=$(tui_screen | grep -cF '[x] ')
	rf=$(tui_screen | grep -cF '[ ] ')
	ru=$(tui_screen | grep -cF '[?] ')
	check "$c: passed $p = $rp rows, failed $f = $rf rows, unknown $u = $ru rows" \
		test "${p:-x}/${f:-x}/$u" = "$rp/$rf/$ru"
done
tui_stop
finish
