#!/usr/bin/env bash
# A backup state file belongs to the config and site that wrote it: with
# no [backup] configured the header says nothing about backups, even when
# a recent backup.json is in the state directory; a backup.json written by
# another config or site is not this config's backup (header and the
# readiness check availability.backups); one written by this config is.
# The test's HOME and XDG directories are its own (tests/lib/common.sh).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"

STATE=$TEST_TMP/state
mkdir -p "$STATE"
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
state() {  # owner (empty: none)
	printf '{%s"last_run": "%s", "last_status": "success", "exit_code": 0, "last_success": "%s"}\n' \
		"${1:+\"owner\": \"$1\", }" "$now" "$now" > "$STATE/backup.json"
}
run() {  # config name, then wait for the title
	TUI_SOCK=ceres-test-$$-$1
	tui_start 160 30 -c "$TEST_TMP/$1.conf"
	tui_wait "site-$1"
}
header() { tui_screen | head -1; }

check "HOME is the test's own" test "$HOME" = "$TEST_TMP/home"
check "XDG_STATE_HOME is the test's own" test "$XDG_STATE_HOME" = "$TEST_TMP/home/.local/state"

# ---- no [backup]: nothing about backups, whatever the state file says
printf '[ceres]\nsite = site-none\nstate_dir = %s\n' "$STATE" > "$TEST_TMP/none.conf"
state "/elsewhere/config#prod"
run none
check "no [backup], foreign state: header silent about backups" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | head -1 | grep -qi backup"
tui_stop
state ""
run none
check "no [backup], state without owner: header silent about backups" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | head -1 | grep -qi backup"
tui_stop

# ---- [backup] configured, the state file from another config: not ours
printf '[ceres]\nsite = site-bk\nstate_dir = %s\n[backup]\ncommand = /bin/true\n' "$STATE" > "$TEST_TMP/bk.conf"
state "/elsewhere/config#site-bk"
run bk
check "foreign state: header says no backup yet" tui_has "no backup yet"
check "foreign state: no age shown" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'backup 0s ago'"
tui_stop
"$CERES_TOP" -c "$TEST_TMP/bk.conf" --once --panes readiness --format json > "$TEST_TMP/r.json"
check "foreign state: availability.backups fails (a command is configured)" \
	test "$(json_get "$TEST_TMP/r.json" "[c['status'] for cat in j['readiness']['categories'] for c in cat['checks'] if c['id']=='availability.backups'][0]")" = fail

# ---- the same file written by this config and site: ours
state "$(realpath "$TEST_TMP/bk.conf")#site-bk"
run bk
check "own state: header shows the age" wait_for 10 tui_has_re "backup [0-9]+s ago"
tui_stop
"$CERES_TOP" -c "$TEST_TMP/bk.conf" --once --panes readiness --format json > "$TEST_TMP/r.json"
check "own state: availability.backups passes" \
	test "$(json_get "$TEST_TMP/r.json" "[c['status'] for cat in j['readiness']['categories'] for c in cat['checks'] if c['id']=='availability.backups'][0]")" = pass

# ---- another site of the same config: not ours
state "$(realpath "$TEST_TMP/bk.conf")#other-site"
run bk
check "other site's state: header says no backup yet" tui_has "no backup yet"
tui_stop
finish
