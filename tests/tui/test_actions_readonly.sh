#!/usr/bin/env bash
# Read-only mode (-r, or read_only = true): `w` and `b` are refused with a
# visible message, nothing reaches the webhook receiver, no backup runs and
# no audit line is written.  Looking at the audit trail (`a`) changes
# nothing and stays allowed.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
sandbox_env

# The first port from $1 up that nothing listens on (the runner's tests
# share the SANDBOX_PORT_BASE+500.. range).
free_port() {
	local p=$1
	while ss -Htln 2>/dev/null | awk '{print $4}' | grep -q ":$p\$"; do p=$((p + 1)); done
	echo "$p"
}
BASE=$(( ${SANDBOX_PORT_BASE:-28000} + 530 ))
WH_PORT=$(free_port "$BASE")
U=http://127.0.0.1
AUDIT=$TEST_TMP/audit.log
RAN=$TEST_TMP/backup-ran

fake_pid=
cleanup() {
	tui_stop
	[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
}
trap cleanup EXIT
mkdir -p "$TEST_TMP/fake"
python3 "$TESTS_DIR/fakes/fakes.py" --kind webhook --port "$WH_PORT" --state "$TEST_TMP/fake" > "$TEST_TMP/fake.log" 2>&1 &
fake_pid=$!
wait_for 30 curl -fsS "$U:$WH_PORT/__fake/ping" || { echo "Bail out! webhook fake did not start"; exit 1; }

config() {  # read_only value
	cat > "$TEST_TMP/config" <<EOF
[ceres]
site = ro-test
interval = 30
read_only = $1
state_dir = $TEST_TMP/state
audit_log = $AUDIT

[webhook "receiver"]
kind = generic
url = $U:$WH_PORT/ro/receiver0123456789

[backup]
command = touch $RAN
EOF
	chmod 600 "$TEST_TMP/config"
}
received() { curl -fsS "$U:$WH_PORT/__fake/requests" | json_get /dev/stdin 'len(j)'; }

refused() {  # how: checks w and b in the running console
	tui_keys w
	check "$1: w is refused with a message" tui_wait "read-only: actions are disabled"
	check "$1: no webhook menu opens" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'Notification routes'"
	tui_keys a
	tui_wait "Audit trail" && tui_keys Escape
	tui_wait_gone "Audit trail"
	tui_wait_gone "read-only: actions are disabled" 10	# so that b must show it anew
	tui_keys b
	check "$1: b is refused with a message" tui_wait "read-only: actions are disabled"
	check "$1: no backup prompt" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -q 'Run the backup'"
	tui_keys y Enter
	sleep 0.5
	check "$1: nothing sent to the receiver" test "$(received)" = 0
	check "$1: no backup ran" test ! -e "$RAN"
	check "$1: no audit line" test ! -s "$AUDIT"
}

config false
TUI_SOCK=ceres-test-$$-1
tui_start 120 40 -r -c "$TEST_TMP/config"
check "-r: the header says READ-ONLY" tui_wait "READ-ONLY"
refused "-r"
tui_keys a
check "-r: the audit trail can still be viewed" tui_wait "No action has been recorded yet."
tui_stop

config true
TUI_SOCK=ceres-test-$$-2
tui_start 120 40 -c "$TEST_TMP/config"
check "read_only = true: the header says READ-ONLY" tui_wait "READ-ONLY"
refused "read_only = true"
tui_stop

# The same keys do act without read-only: the refusals above are real.
config false
TUI_SOCK=ceres-test-$$-3
tui_start 120 40 -c "$TEST_TMP/config"
tui_wait "ro-test"
tui_keys b
check "without read-only, b asks to run the backup" tui_wait "Run the backup now (touch)?"
tui_keys y Enter
check "...and runs it" wait_for 10 test -e "$RAN"
check "...and audits it" wait_for 5 grep -q '"action":"backup.end"' "$AUDIT"
finish
