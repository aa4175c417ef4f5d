#!/usr/bin/env bash
# The backup from the keyboard (`b`), against the sandbox's real PostgreSQL:
# doc/examples/ceres-backup dumps two databases, the dumps verify with
# pg_restore --list, backup.json and the audit trail say so and the header
# shows the last success.  Then a failing command is reported failed (and
# the last success is kept), a slow one keeps the UI answering (`?` shows
# the help while it runs) and is cancelled (`c`, confirm) without leaving a
# zombie or a stray process, one that ignores SIGTERM gets SIGKILL after the
# grace period, quitting with a backup running asks first and ends it, and
# [backup] timeout ends a backup that runs too long.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
sandbox_env

SRC=$(cd "$TESTS_DIR/.." && pwd)
SCRIPT=$SRC/doc/examples/ceres-backup
STATE=$TEST_TMP/state
BK=$TEST_TMP/backups
AUDIT=$TEST_TMP/audit.log
MARK=313.$$	# a sleep no other process runs

config() {  # command [timeout]
	cat > "$TEST_TMP/config" <<EOF
[ceres]
site = bk-test
interval = 30
state_dir = $STATE
audit_log = $AUDIT

[backup]
command = $1
${2:+timeout = $2}
EOF
	chmod 600 "$TEST_TMP/config"
}
run_console() {  # fresh tmux server each time: the last one may still be exiting
	TUI_SOCK=ceres-test-$$-$1
	tui_start 160 45 -c "$TEST_TMP/config"
	tui_wait "bk-test"
}
audit_count() { grep -c "\"action\":\"$1\"" "$AUDIT" 2>/dev/null || true; }
state() { json_get "$STATE/backup.json" "$1"; }
no_zombie() {  # pid: no defunct child left behind
	! ps -o stat= --ppid "$1" | grep -q Z
}
gone() { ! pgrep -f "sleep $MARK" >/dev/null; }

# ---- 1. a real backup of two databases
config "PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres PGPASSWORD=notused $SCRIPT -d $BK -k 7 postgres ceres_audit"
run_console 1
check "header says no backup yet" tui_has "no backup yet"
tui_keys b
check "b asks first, naming only the program" tui_wait "Run the backup now ($SCRIPT)?"
check "the password in the command line is not shown" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q PGPASSWORD"
tui_keys y Enter
check "the window streams the script's output" tui_wait "ceres-backup: dump ceres_audit -> ceres_audit.dump" 20
check "the backup succeeds" tui_wait "backup success: exit code 0" 30
check "the header shows the last success" tui_wait "backup 0s ago"
LATEST=$BK/latest
check "both dumps exist" test -s "$LATEST/postgres.dump" -a -s "$LATEST/ceres_audit.dump"
check "pg_restore --list reads them" bash -c "pg_restore --list '$LATEST/postgres.dump' >/dev/null && pg_restore --list '$LATEST/ceres_audit.dump' | grep -q 'dbname: ceres_audit'"
check "checksums verify" bash -c "cd '$LATEST' && sha256sum --quiet -c SHA256SUMS"
check "state: success, exit 0" test "$(state 'j["last_status"] == "success" and j["exit_code"] == 0 and j["duration_s"] >= 0 and j["last_success"] == j["last_run"]')" = True
SUCCESS_AT=$(state 'j["last_success"]')
check "audit: backup.start then backup.end success" test "$(python3 -c '
import json, sys
l = [json.loads(x) for x in open(sys.argv[1])]
print([x["action"] for x in l] == ["backup.start", "backup.end"] and l[1]["result"].startswith("success (exit 0")
      and l[1]["target"] == sys.argv[2] and l[1]["parameters"]["exit_code"] == 0)' "$AUDIT" "$SCRIPT")" = True
check "the audit trail never records the password" bash -c "! grep -q notused '$AUDIT'"
tui_keys Escape q
check "console quits" wait_for 5 tui_dead
tui_stop

# ---- 2. a failing backup
config "PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres $SCRIPT -d $BK no_such_database"
run_console 2
tui_keys b
tui_wait "Run the backup now" && tui_keys y Enter
check "a failing backup is reported failed" tui_wait "backup failed: exit code 1" 20
check "the script's error is in the window" tui_has 'database "no_such_database" does not exist'
check "state: failed, exit 1, last success kept" test "$(state 'j["last_status"] == "failed" and j["exit_code"] == 1 and j["last_success"] == "'"$SUCCESS_AT"'"')" = True
check "header: last success, last run failed" tui_wait "last run failed"
check "audit: backup.end failed" bash -c "tail -1 '$AUDIT' | grep -q '\"result\":\"failed (exit 1'"
tui_keys Escape q
wait_for 5 tui_dead
tui_stop

# ---- 3. a slow backup: the UI answers, then cancel
config "echo started-slow; sleep $MARK; echo never"
run_console 3
PID=$(tui_pid)
tui_keys b
tui_wait "Run the backup now (echo)?" && tui_keys y Enter
check "the slow backup runs" tui_wait "started-slow"
check "header: backup running" tui_wait "backup running"
tui_keys Escape
check "the window hides, the backup keeps running" tui_wait "the backup keeps running"
tui_keys '?'
check "keys work during the backup: ? shows the help" tui_wait "webhook test menu"
tui_keys Escape b
check "b shows the running backup again" tui_wait "c cancel"
tui_keys c
check "c asks for confirmation" tui_wait "Cancel the running backup"
tui_keys y Enter
check "the backup is cancelled" tui_wait "backup cancelled" 10
check "its processes are gone" wait_for 5 gone
check "no zombie left" no_zombie "$PID"
check "state: cancelled" test "$(state 'j["last_status"]')" = cancelled
check "audit: backup.cancel and backup.end cancelled" bash -c "grep -q '\"action\":\"backup.cancel\"' '$AUDIT' && tail -1 '$AUDIT' | grep -q '\"result\":\"cancelled'"
tui_keys Escape q
wait_for 5 tui_dead
tui_stop

# ---- 4. a backup that ignores SIGTERM gets SIGKILL after the grace period
config "trap '' TERM; echo stubborn; sleep $MARK"
run_console 4
PID=$(tui_pid)
tui_keys b
tui_wait "Run the backup now" && tui_keys y Enter
tui_wait "stubborn"
tui_keys c
tui_wait "Cancel the running backup" && tui_keys y Enter
check "SIGKILL follows after the grace period" tui_wait "sending SIGKILL" 10
check "then it is cancelled" tui_wait "backup cancelled: killed by signal 9" 5
check "nothing left running" wait_for 5 gone
check "no zombie after SIGKILL" no_zombie "$PID"
tui_keys Escape q
wait_for 5 tui_dead
tui_stop

# ---- 5. quitting with a backup running asks, then ends it
# tmux does not always report a pane's exit status (tmux 3.3 leaves
# #{pane_dead_status} empty now and then): a wrapper records it instead.
REAL_CERES_TOP=$CERES_TOP
cat > "$TEST_TMP/ceres-top-exit" <<EOF
#!/bin/sh
rm -f "$TEST_TMP/exit-code"
"$REAL_CERES_TOP" "\$@"
echo \$? > "$TEST_TMP/exit-code"
EOF
chmod +x "$TEST_TMP/ceres-top-exit"
exit_is() { [ "$(cat "$TEST_TMP/exit-code" 2>/dev/null)" = "$1" ]; }
CERES_TOP=$TEST_TMP/ceres-top-exit
config "echo started-slow; sleep $MARK"
run_console 5
tui_keys b
tui_wait "Run the backup now" && tui_keys y Enter
tui_wait "started-slow"
tui_keys Escape q
check "q asks before ending a running backup" tui_wait "A backup is running. Quit and cancel it?"
tui_keys n Enter
sleep 0.3
check "answering no keeps the console" bash -c "! tmux -L '$TUI_SOCK' display -p -t t '#{pane_dead}' | grep -q 1"
tui_keys q
tui_wait "Quit and cancel it?" && tui_keys y Enter
check "the console quits" wait_for 10 tui_dead
check "exit status 0" wait_for 10 exit_is 0
check "the backup ended with it" wait_for 5 gone
check "state: cancelled on quit" test "$(state 'j["last_status"]')" = cancelled
check "audit: ended because the console quit" bash -c "tail -1 '$AUDIT' | grep -q '\"reason\":\"console quit\"'"
tui_stop
CERES_TOP=$REAL_CERES_TOP

# ---- 6. [backup] timeout
config "echo started-slow; sleep $MARK" 1
run_console 6
tui_keys b
tui_wait "Run the backup now" && tui_keys y Enter
check "the timeout sends SIGTERM" tui_wait "timeout after 1 s: sending SIGTERM" 10
check "a timed-out backup has failed" tui_wait "backup failed: killed by signal 15" 5
check "state: failed, exit 143" test "$(state 'j["last_status"] == "failed" and j["exit_code"] == 143')" = True
check "audit: the timeout is recorded" bash -c "tail -1 '$AUDIT' | grep -q '\"timeout_s\":1'"
check "nothing left after the timeout" wait_for 5 gone
tui_stop
finish
