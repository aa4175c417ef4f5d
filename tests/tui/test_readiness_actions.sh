#!/bin/bash
# Readiness follows the operator's actions in the console: running the
# backup with b turns "Last successful backup" green, testing every
# notification route with w turns "Chat webhook routes answered their last
# test" green: the state files the actions write are the ones readiness
# reads, in the same state directory.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
sandbox_env
S=$TEST_TMP/state
mkdir -p "$S"
printf '#!/bin/sh\necho "rd-backup: dumping"\nexit 0\n' > "$TEST_TMP/rd-backup"
chmod 700 "$TEST_TMP/rd-backup"
CFG=$TEST_TMP/ceres.conf
{
	sed -e "/^\[ceres\]/a state_dir = $S" "$SANDBOX_DIR/config"
	printf '\n[readiness]\ninterval = 1\n\n[backup]\ncommand = %s\n' "$TEST_TMP/rd-backup"
} > "$CFG"
chmod 600 "$CFG"
cd "$TESTS_DIR/.."

tui_start 140 45 -c "$CFG"
check "console up" tui_wait "ceres-top │ sandbox" 10
tui_keys 5 z l
check "Availability: no backup recorded yet" tui_wait "no backup recorded yet" 10
check "the check is failing" tui_has "[ ] Last successful backup less than 26 h ago"

tui_keys b
check "b asks to run the backup" tui_wait "Run the backup now" 5
tui_keys y Enter
check "the backup succeeds" tui_wait "rd-backup: dumping" 20
tui_keys Escape
check "readiness sees the backup the action recorded" tui_wait "[x] Last successful backup less than 26 h ago" 10
check "with its age, seconds old" tui_has_re "last successful backup [0-9]+s ago"
check "the state file is the action's" python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["last_status"]=="success" and j["last_success"], j' "$S/backup.json"

tui_keys l l
check "Integration: the route was never tested" tui_wait "never tested: mattermost-ops" 10
tui_keys w
check "w opens the webhook menu" tui_wait "Notification routes" 5
tui_keys a
check "a asks before testing every route" tui_wait "Send test messages to all" 5
tui_keys y Enter
check "the Mattermost fake received the test" wait_for 10 bash -c \
	"curl -fsS 'http://127.0.0.1:$MATTERMOST_PORT/__fake/requests?path=/hooks/*' | grep -q '\"POST\"'"
tui_keys Escape
check "readiness sees the answered test" tui_wait "1/1 routes answered their last test" 10
check "and marks it passed" tui_has "[x] Chat webhook routes answered their last test"
tui_keys q
check "q quits" wait_for 5 tui_dead
finish
