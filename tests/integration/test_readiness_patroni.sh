#!/bin/bash
# Readiness: PostgreSQL HA through Patroni's REST API (availability.patroni)
# against this test's own Patroni stand-in (SANDBOX_PORT_BASE+540), which
# serves /cluster and /history in Patroni's documented shapes: a running
# leader with streaming replicas passes (with the last failover from
# /history); a stopped replica beside a lagging one, a cluster without a
# leader and a paused cluster fail; an unreachable API is unknown; member
# names are made terminal-safe; user:password in the URL is never shown.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/readiness.sh"
BASE=${SANDBOX_PORT_BASE:-29000}
P=$((BASE + 540))
ID=availability.patroni

fake() {	# ENDPOINT [JSON]
	curl -fsS -XPOST "http://127.0.0.1:$P/__fake/$1" ${2:+-d "$2"} > /dev/null
}
if ss -Htln | awk '{print $4}' | grep -qE "[:.]$P\$"; then echo "Bail out! port $P busy"; exit 1; fi
mkdir -p "$TEST_TMP/patroni"
python3 "$(dirname "$0")/../fakes/fakes.py" --kind patroni --port "$P" --state "$TEST_TMP/patroni" \
	> "$TEST_TMP/patroni.log" 2>&1 &
FAKE=$!
trap 'kill $FAKE 2>/dev/null; wait $FAKE 2>/dev/null' EXIT
check "Patroni stand-in up on :$P" wait_for 10 curl -fsS "http://127.0.0.1:$P/__fake/ping"
umask 077
printf '[ceres]\ntimeout = 3\n[postgres]\npatroni_url = http://monitor:pw-not-shown@127.0.0.1:%s\n' "$P" \
	> "$TEST_TMP/ceres.conf"
check "--check-config accepts patroni_url" "$CERES_TOP" -c "$TEST_TMP/ceres.conf" --check-config

rd_once
check "nothing on stderr" [ ! -s "$TEST_TMP/err" ]
expect_check $ID pass "Patroni cluster 'ceres': leader pg1 (timeline 3), 2/2 replicas streaming, max lag 4096 B"
expect_check $ID pass "last failover 2026-11-30T10:00:00.000+00:00 to pg1 (timeline 3)"
check "the HA PostgreSQL item counts Patroni" bash -c \
	"python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); i=[i for i in j[\"readiness\"][\"items\"] if i[\"title\"]==\"HA PostgreSQL (Patroni)\"][0]; sys.exit(0 if \"$ID\" in i[\"checks\"] else 1)' '$RJ'"
check "the password in the URL is not printed" bash -c "! grep -q pw-not-shown '$RJ'"

members() {	# REPLICA2-STATE REPLICA2-LAG REPLICA3-LAG [LEADER-STATE]
	fake state "{\"members\": [
	  {\"name\": \"pg1\", \"role\": \"leader\", \"state\": \"${4:-running}\", \"timeline\": 4},
	  {\"name\": \"pg2\\u001b[2J\", \"role\": \"replica\", \"state\": \"$1\", \"timeline\": 4, \"lag\": $2},
	  {\"name\": \"pg3\", \"role\": \"replica\", \"state\": \"streaming\", \"timeline\": 4, \"lag\": $3}]}"
}
members stopped '"unknown"' 50000000
rd_once
expect_check $ID fail "Patroni cluster 'ceres': leader pg1, no replica streaming within 1048576 B"
expect_check $ID fail "stopped, pg3 lag 50000000 B"
check "member names are terminal-safe" bash -c "! grep -q $'\x1b' '$RJ'"
check "the HA PostgreSQL item fails with it" [ "$(item 'HA PostgreSQL (Patroni)')" = fail ]

# A larger accepted lag: pg3 passes.
echo "patroni_max_lag = 67108864" >> "$TEST_TMP/ceres.conf"
rd_once
expect_check $ID pass "leader pg1 (timeline 4), 1/2 replicas streaming, max lag 50000000 B"

members streaming 0 0 stopped
rd_once
expect_check $ID fail "0 running leaders among 3 members; pg1 stopped"

members streaming 0 0
fake state '{"pause": true, "history": []}'
rd_once
expect_check $ID fail "Patroni cluster 'ceres' is paused (maintenance mode): no automatic failover"
fake state '{"pause": false}'
rd_once
expect_check $ID pass "no failover in history"

kill $FAKE; wait $FAKE 2>/dev/null
rd_once
expect_check $ID unknown "patroni:"
printf '[ceres]\ntimeout = 3\n' > "$TEST_TMP/ceres.conf"
rd_once
expect_check $ID unknown "no [postgres] patroni_url configured"
finish
