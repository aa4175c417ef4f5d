#!/bin/bash
# The master plan in the readiness pane: m shows the four phases with the
# score when each is done, the next step and every item (n/a ones with
# their reason), and the checks view the category's n/a items; n opens the next step's runbook from either view; the
# pane agrees with --once.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
sandbox_env
export HOME=$TEST_TMP/home XDG_STATE_HOME=$TEST_TMP/home/.state
mkdir -p "$HOME"
CFG=$SANDBOX_DIR/config
cd "$TESTS_DIR/.."
trap tui_stop EXIT

"$CERES_TOP" -c "$CFG" --once --panes readiness --format json > "$TEST_TMP/s.json" 2>/dev/null
next=$(json_get "$TEST_TMP/s.json" 'j["readiness"]["plan"]["next"]["id"]')
p1=$(json_get "$TEST_TMP/s.json" 'j["readiness"]["plan"]["phases"][0]["percent_when_done"]')
diag "next step $next, phase 1 when done $p1%"

tui_start 160 50 -c "$CFG"
check "console up" tui_wait "ceres-top │ sandbox" 10
tui_keys 5 z
check "readiness pane zoomed" tui_wait "Score " 10
# The next step is the --once one once every readiness source answered.
check "the score is computed" wait_for 15 tui_has_re "Score [0-9]+/[1-9][0-9]* "
wait_for 10 bash -c "tmux -L $TUI_SOCK capture-pane -t $TUI_SESSION -p | grep -q 'unknown $(json_get "$TEST_TMP/s.json" 'j["readiness"]["unknown"]') (not counted)'"
tui_keys n
check "n opens the next step's runbook from the checks view" tui_wait "Check: $next" 5
tui_keys Escape
check "Esc closes it" tui_wait_gone "Check: $next" 5
check "the checks view lists the category's n/a items with their reason" \
	tui_has_re "n/a DDoS protection +no DDoS protection layer exposes an API here"
tui_keys m
check "m shows the plan: phase 1 with its score when done" \
	tui_wait "1 Critical fixes" 5
check "phase 1 reaches the --once figure ($p1%)" tui_has_re "1 Critical fixes +items [0-9]+/[0-9]+ +checks [0-9]+/[0-9]+ +when done $p1% \(assessment 65%\)"
for ph in "2 Integrations" "3 High availability" "4 Scale"; do
	check "phase $ph listed" tui_has "$ph"
done
check "the next step is named" tui_has_re "Next step \(n: runbook\): .* \(weight [0-9]\)"
check "an n/a item with its reason" tui_has "n/a Event streaming: no event bus in the platform to ask"
check "a done item is marked" tui_has_re "1 \[x\] Alertmanager configured, Prometheus sends to it"
tui_keys n
check "n opens the next step's runbook from the plan" tui_wait "Check: $next" 5
tui_keys Escape
tui_keys m
check "m again: back to the checks" tui_wait "[x] SSO: Keycloak realm serves OIDC" 5
tui_keys '?'
check "the help lists m and n" tui_wait "runbook of the next step of the plan" 5
tui_keys Escape q
check "console exits" wait_for 10 tui_dead
finish
