#!/usr/bin/env bash
# The central audit in the sandbox's real PostgreSQL: actions taken in the
# console become rows of ceres_audit (table created when missing).  With
# PostgreSQL stopped, two more actions wait in the spool; once it is back
# both rows arrive, none twice, and the spool empties.  Re-sending lines
# that are already there (a crash between INSERT and spool clean-up) adds
# nothing.  PostgreSQL is always started again before the test ends.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
sandbox_env

SANDBOX_SH=$TESTS_DIR/sandbox/sandbox.sh
# The first port from $1 up that nothing listens on (the runner's tests
# share the SANDBOX_PORT_BASE+500.. range).
free_port() {
	local p=$1
	while ss -Htln 2>/dev/null | awk '{print $4}' | grep -q ":$p\$"; do p=$((p + 1)); done
	echo "$p"
}
BASE=$(( ${SANDBOX_PORT_BASE:-28000} + 520 ))
WH_PORT=$(free_port "$BASE")
U=http://127.0.0.1
SITE=audit-pg-$$
AUDIT=$TEST_TMP/audit.log
SPOOL=$AUDIT.spool
PSQL=(psql "hostaddr=127.0.0.1 port=$PG_PORT dbname=ceres_audit user=postgres connect_timeout=3" -XAt)

fake_pid=
pg_stopped=0
cleanup() {
	tui_stop
	if ((pg_stopped)); then
		"$SANDBOX_SH" restart-one "$SANDBOX_DIR" postgres >/dev/null 2>&1
		wait_for 30 pg_isready -q -h 127.0.0.1 -p "$PG_PORT"
	fi
	[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
}
trap cleanup EXIT

mkdir -p "$TEST_TMP/fake"
python3 "$TESTS_DIR/fakes/fakes.py" --kind webhook --port "$WH_PORT" --state "$TEST_TMP/fake" > "$TEST_TMP/fake.log" 2>&1 &
fake_pid=$!
wait_for 30 curl -fsS "$U:$WH_PORT/__fake/ping" || { echo "Bail out! webhook fake did not start"; exit 1; }

cat > "$TEST_TMP/config" <<EOF
[ceres]
site = $SITE
interval = 30
state_dir = $TEST_TMP/state
audit_log = $AUDIT

[audit]
conninfo = hostaddr=127.0.0.1 port=$PG_PORT dbname=ceres_audit user=ceres_top

[webhook "receiver"]
kind = generic
url = $U:$WH_PORT/audit-test/receiver0123456789
EOF
chmod 600 "$TEST_TMP/config"

rows() { "${PSQL[@]}" -c "SELECT count(*) FROM ceres_audit WHERE site = '$SITE'" 2>/dev/null; }
rows_are() { [ "$(rows)" = "$1" ]; }
local_ids() { python3 -c 'import json,sys; print("\n".join(sorted(json.loads(l)["event_id"] for l in open(sys.argv[1]))))' "$AUDIT"; }
db_ids() { "${PSQL[@]}" -c "SELECT event_id FROM ceres_audit WHERE site = '$SITE' ORDER BY event_id::text"; }
test_route() {  # one webhook test through the menu, confirmed
	tui_keys Enter
	tui_wait "Send a test message to receiver" && tui_keys y Enter
}
spool_lines() { [ -f "$SPOOL" ] && wc -l < "$SPOOL" || echo 0; }
# Conditions for wait_for are functions: they are evaluated on every poll.
spool_is() { [ "$(spool_lines)" = "$1" ]; }
local_is() { [ "$(grep -c '"action":"webhook.test"' "$AUDIT")" = "$1" ]; }

tui_start 160 45 -c "$TEST_TMP/config"
tui_wait "$SITE"
tui_keys w
tui_wait "Notification routes"
test_route
check "the action reaches PostgreSQL" wait_for 15 rows_are 1
check "ceres_audit has the documented columns" test "$("${PSQL[@]}" -c "SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'ceres_audit'")" = "id:bigint,time:timestamp with time zone,user:text,host:text,site:text,action:text,target:text,parameters:jsonb,result:text,event_id:uuid"
check "event_id is unique in the table" test "$("${PSQL[@]}" -c "SELECT count(*) FROM pg_indexes WHERE tablename = 'ceres_audit' AND indexdef LIKE '%UNIQUE%(event_id)%'")" = 1
check "the row matches the local line" test "$(db_ids)" = "$(local_ids)"
check "row content: action, target, parameters, result" test "$("${PSQL[@]}" -c "SELECT action = 'webhook.test' AND target = 'receiver' AND parameters->>'kind' = 'generic' AND parameters->>'url' = '$U:$WH_PORT/…' AND result = 'ok: ok' AND \"user\" <> '' AND host <> '' AND time > now() - interval '5 minutes' FROM ceres_audit WHERE site = '$SITE'")" = t
check "the spool is empty once sent" wait_for 5 spool_is 0

# ---- PostgreSQL goes away
pg_stopped=1
"$SANDBOX_SH" stop-one "$SANDBOX_DIR" postgres >/dev/null 2>&1
check "postgres is stopped" bash -c "! pg_isready -q -h 127.0.0.1 -p $PG_PORT"
test_route
check "the first failure is reported" tui_wait "central audit unreachable"
wait_for 10 local_is 2
test_route
check "both actions are in the local log" wait_for 5 local_is 3
check "both wait in the spool" wait_for 5 spool_is 2
tui_keys Escape a
check "the audit view shows what waits" tui_wait "2 waiting in the spool"
tui_keys Escape

# ---- and comes back
"$SANDBOX_SH" restart-one "$SANDBOX_DIR" postgres >/dev/null 2>&1
wait_for 30 pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && pg_stopped=0
check "postgres is back" test "$pg_stopped" = 0
check "both spooled rows arrive" wait_for 40 rows_are 3
check "none twice: the rows are exactly the local lines" test "$(db_ids)" = "$(local_ids)"
check "the spool is empty again" wait_for 5 spool_is 0
check "the console says the audit is reachable again" tui_wait "central audit reachable again"
tui_keys q
wait_for 5 tui_dead
tui_stop

# ---- re-sending lines the database already has inserts nothing
cp "$AUDIT" "$SPOOL"
TUI_SOCK=$TUI_SOCK-2
tui_start 160 45 -c "$TEST_TMP/config"
tui_wait "$SITE"
check "a spool left from an earlier run is sent at start" wait_for 15 spool_is 0
check "...and inserts no duplicate" rows_are 3
tui_keys a
check "the audit view counts them as already there" tui_wait "0 sent, 3 already there"
finish
