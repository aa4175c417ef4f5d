#!/usr/bin/env bash
# The actions' code paths in one console session, meant for the ASan+UBSan
# build (tests/run-all.sh runs *_san.sh again with it): webhook tests that
# succeed, fail and time out, a backup with output on both streams, a
# cancelled backup, the audit view and the central audit, then quit.  The
# console must exit 0 with nothing on stderr (no leak, no UB report).
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
BASE=$(( ${SANDBOX_PORT_BASE:-28000} + 540 ))
WH_PORT=$(free_port "$BASE")
U=http://127.0.0.1
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
curl -fsS -XPOST "$U:$WH_PORT/__fake/override" -d '{"path":"/bad/k0123456789","status":400,"body":"{\"ok\":false,\"error\":\"nope\"}","content_type":"application/json"}' >/dev/null
curl -fsS -XPOST "$U:$WH_PORT/__fake/override" -d '{"path":"/slow/k0123456789","delay":2}' >/dev/null

write_config() {  # backup command
	cat > "$TEST_TMP/config" <<EOF
[ceres]
site = san-test
interval = 30
state_dir = $TEST_TMP/state
audit_log = $TEST_TMP/audit.log

[audit]
conninfo = hostaddr=127.0.0.1 port=$PG_PORT dbname=ceres_audit user=ceres_top

[gitea]
url = $U:$GITEA_PORT
token_file = $SANDBOX_DIR/secrets/gitea.token
repos = ceres/infra

[webhook "ok"]
kind = slack
url = $U:$WH_PORT/services/T1/B1/k0123456789

[webhook "bad"]
kind = zulip
url = $U:$WH_PORT/bad/k0123456789

[webhook "slow"]
kind = mattermost
url = $U:$WH_PORT/slow/k0123456789
timeout = 0.5

[backup]
command = $1
EOF
	chmod 600 "$TEST_TMP/config"
}

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

write_config "for i in 1 2 3; do echo out \$i; echo err \$i >&2; done; printf 'no newline at the end'"
tui_start 120 40 -c "$TEST_TMP/config"
tui_wait "san-test"
tui_keys w
tui_wait "gitea ceres/infra: 1 hook"
tui_keys a
tui_wait "Send test messages" && tui_keys y Enter
tui_wait "webhook test: 2 of 4 routes accepted the message" 10 || tui_screen | sed "s|^|# |"
check "webhook tests complete" tui_has "webhook test: 2 of 4 routes accepted the message"
tui_keys Escape b
tui_wait "Run the backup now" && tui_keys y Enter
check "the backup's last partial line is kept" tui_wait "no newline at the end"
check "backup succeeds" tui_wait "backup success"
tui_keys Escape a
check "audit view opens" tui_wait "Audit trail"
check "central audit took the events" wait_for 15 bash -c "! test -s '$TEST_TMP/audit.log.spool'"
tui_keys Escape q
check "console exits" wait_for 10 tui_dead
check "exit status 0" wait_for 10 exit_is 0
check "nothing on stderr (no sanitizer report)" test ! -s "$TEST_TMP/tui-stderr.txt"
[ -s "$TEST_TMP/tui-stderr.txt" ] && head -30 "$TEST_TMP/tui-stderr.txt" | sed 's/^/# /'
tui_stop

# A backup still running when the console quits.
write_config "echo slow; sleep 317.$$"
TUI_SOCK=$TUI_SOCK-2
tui_start 120 40 -c "$TEST_TMP/config"
tui_wait "san-test"
tui_keys b
tui_wait "Run the backup now" && tui_keys y Enter
tui_wait "slow"
tui_keys c
tui_wait "Cancel the running backup" && tui_keys y Enter
check "cancelled" tui_wait "backup cancelled"
tui_keys Escape b
tui_wait "Run the backup now" && tui_keys y Enter
tui_wait "backup running"
tui_keys Escape
tui_type ":q"
tui_keys Enter
check "console exits with a backup running (:q)" wait_for 10 tui_dead
check "exit status 0 after :q" wait_for 10 exit_is 0
gone() { ! pgrep -f "sleep 317.$$" >/dev/null; }	# not bash -c: it would match itself
check "the backup was ended" wait_for 5 gone
check "its end is audited" bash -c "tail -1 '$TEST_TMP/audit.log' | grep -q '\"reason\":\"console quit\"'"
check "nothing on stderr after :q" test ! -s "$TEST_TMP/tui-stderr.txt"
[ -s "$TEST_TMP/tui-stderr.txt" ] && head -30 "$TEST_TMP/tui-stderr.txt" | sed 's/^/# /'
finish
