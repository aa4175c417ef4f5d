#!/bin/bash
# The readiness pane in tmux: total score and a bar per category, the
# checks of the selected category with status and evidence, h/l between
# categories, Enter opens the runbook page, and the score follows the
# evidence live (a backup recorded while the console runs turns its check
# green and raises the score).  Also narrow terminals.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
sandbox_env
S=$TEST_TMP/state
mkdir -p "$S"
CFG=$TEST_TMP/ceres.conf
{
	sed -e "/^\[ceres\]/a state_dir = $S" "$SANDBOX_DIR/config"
	printf '\n[readiness]\ninterval = 1\n\n[backup]\ncommand = /bin/true\n'
} > "$CFG"
chmod 600 "$CFG"
# The source tree's doc/runbooks stands in for the installed data directory.
cd "$TESTS_DIR/.."
export CERES_TOP_DATADIR=$PWD/doc

score() { tui_screen | sed -n 's/.*Score \([0-9]*\)\/\([0-9]*\) (\([0-9]*\)%).*/\1 \2 \3/p' | head -1; }

tui_start 140 45 -c "$CFG"
check "console up" tui_wait "ceres-top │ sandbox" 10
tui_keys 5 z
check "readiness pane zoomed shows the total score" tui_wait "Score " 10
check "score is computed from the sources (not 0/0)" wait_for 10 bash -c \
	"tmux -L $TUI_SOCK capture-pane -t t -p | grep -qE 'Score [0-9]+/[1-9][0-9]* \([0-9]+%\)'"
for c in Security Availability Observability Integration Manageability Performance; do
	check "category $c with a bar and its score" tui_has_re "$c +[█░]+ +[0-9]+/[0-9]+ +[0-9]+%"
done
check "unknown checks are shown apart" tui_has_re "unknown [0-9]+ \(not counted\)"
check "security checks listed with evidence" tui_wait "realm ceres: issuer http://127.0.0.1:$KEYCLOAK_PORT/realms/ceres" 10
check "pass mark" tui_has "[x] SSO: Keycloak realm serves OIDC"
check "unknown mark" tui_has "[?] MFA required on Keycloak"
check "fail mark" tui_has "[ ] HTTPS served by Caddy"

tui_keys l
check "l selects Availability" tui_wait "HA PostgreSQL: streaming replica" 5
check "its evidence is live" tui_has "primary with no replica in pg_stat_replication"
check "no backup recorded yet" tui_wait "no backup recorded yet" 5
before=$(score)
diag "score before the backup: $before"

# Enter on the backup check shows its runbook page.
tui_keys j j j j Enter
check "Enter opens the runbook of availability.backups" tui_wait "Check: availability.backups" 5
check "the page has its sections" tui_wait "## What it means" 5
check "with status and evidence" tui_has "Status: fail"
check "and where the page came from" bash -c "tmux -L $TUI_SOCK capture-pane -t t -p -S - | grep -q 'doc/runbooks/availability.backups.md' || { tmux -L $TUI_SOCK send-keys -t t G; sleep 0.3; tmux -L $TUI_SOCK capture-pane -t t -p | grep -q 'doc/runbooks/availability.backups.md'; }"
tui_keys Escape
check "Esc closes it" tui_wait_gone "## What it means" 5

# The evidence changes while the console runs: the score follows.
echo "{\"last_success\": $(($(date +%s) - 60)), \"last_status\": \"ok\"}" > "$S/backup.json"
check "the backup check turns green" tui_wait "last successful backup 1m" 10
check "its mark is [x]" tui_has "[x] Last successful backup less than 26 h ago"
after=$(score)
diag "score after the backup: $after"
check "the score rose by the check's weight (3)" python3 -c 'import sys
b=list(map(int,sys.argv[1].split())); a=list(map(int,sys.argv[2].split()))
assert a[0]==b[0]+3 and a[1]==b[1], (b, a)' "$before" "$after"

# h goes back, wrapping around the six categories.
tui_keys h h
check "h h wraps to Performance" tui_wait "Compression (encode) on every proxy server" 5

# A narrow terminal: one category line instead of the bars.
tui_keys z
tui_resize 80 24
tui_keys 5 z
check "80x24 zoomed: the score line" tui_wait "Score " 5
tui_resize 60 12
check "60x12: still the score and a category line" tui_wait "◂ Performance" 5
check "no crash" bash -c "! tmux -L $TUI_SOCK display -p -t t '#{pane_dead}' | grep -q 1"
tui_keys q
check "q quits" wait_for 5 tui_dead
tui_stop

# Readiness not among the panes: the header still asks every feature for
# its verdict, and readiness must answer with nothing, not crash.
tui_start 100 30 -c "$CFG" --panes health,activity
check "console with --panes health,activity up" tui_wait "ceres-top │ sandbox" 10
tui_keys r
check "a full poll round later it still runs" wait_for 10 tui_has "data age"
check "no crash" bash -c "! tmux -L $TUI_SOCK display -p -t t '#{pane_dead}' | grep -q 1"
tui_keys q
check "q quits" wait_for 5 tui_dead
finish
