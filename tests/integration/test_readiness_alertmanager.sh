#!/bin/bash
# Readiness against real Alertmanagers of this test's own (SANDBOX_PORT_BASE
# +510..+515): a routed chat webhook receiver with an e-mail fallback; a
# chat receiver no route uses; the sandbox's null receiver; a two-peer
# cluster for HA; the first answering peer of a list is the one read.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/readiness.sh"
sandbox_env
BASE=${SANDBOX_PORT_BASE:-29000}
P1=$((BASE + 510)) P2=$((BASE + 511)) C1=$((BASE + 512)) C2=$((BASE + 513))
FIX=$TESTS_DIR/fixtures/readiness


for p in $P1 $P2 $C1 $C2; do
	if ss -Htln | awk '{print $4}' | grep -qE "[:.]$p\$"; then echo "Bail out! port $p busy"; exit 1; fi
done
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	PIDS=()
}
trap cleanup EXIT

# am NAME CONFIG PORT [extra flags...]
am() {
	local name=$1 cfg=$2 port=$3
	shift 3
	mkdir -p "$TEST_TMP/$name"
	prometheus-alertmanager --config.file="$cfg" --storage.path="$TEST_TMP/$name" \
		--web.listen-address="127.0.0.1:$port" "$@" > "$TEST_TMP/$name.log" 2>&1 &
	PIDS+=($!)
	wait_for 20 curl -fs "http://127.0.0.1:$port/-/ready"
}
conf() {	# URLS...
	printf '[ceres]\ntimeout = 3\n[alertmanager]\nurl = %s\n' "$*" > "$TEST_TMP/ceres.conf"
}

check "alertmanager with a chat webhook and e-mail up on :$P1" am chat "$FIX/am_chat.yml" "$P1" --cluster.listen-address=
conf "http://127.0.0.1:$P1"
rd_once "$TEST_TMP/ceres.conf"
expect_check integration.alert_chat pass "receiver ops-chat: webhook, used by the route tree"
expect_check integration.alert_email pass "receiver ops-mail: email"
expect_check availability.alertmanager_ha fail "cluster disabled"

# The sandbox's own Alertmanager: a receiver without integrations.
conf "http://127.0.0.1:$AM_PORT"
rd_once "$TEST_TMP/ceres.conf"
expect_check integration.alert_chat fail "no receiver with a chat integration"
expect_check integration.alert_email fail "no receiver with email_configs (receivers: null-rcv)"

# A chat receiver exists, but the route tree never sends to it.
cleanup
check "alertmanager with an unrouted chat receiver up on :$P1" am unrouted "$FIX/am_unrouted.yml" "$P1" --cluster.listen-address=
conf "http://127.0.0.1:$P1"
rd_once "$TEST_TMP/ceres.conf"
expect_check integration.alert_chat fail "receiver ops-chat has slack, but no route sends to it"

# A list of peers: a dead first peer is skipped, the next one is read.
conf "http://127.0.0.1:9" "http://127.0.0.1:$P1"
rd_once "$TEST_TMP/ceres.conf"
expect_check integration.alert_chat fail "no route sends to it"
check "the readiness alertmanager source is ok while one peer answers" python3 -c 'import json,sys
s=[s for s in json.load(open(sys.argv[1]))["sources"] if s["name"]=="readiness alertmanager"][0]; assert s["ok"], s' "$RJ"
conf "http://127.0.0.1:9"
rd_once "$TEST_TMP/ceres.conf"
expect_check integration.alert_chat unknown "127.0.0.1:9"
check "every peer dead: the readiness alertmanager source reports the error" python3 -c 'import json,sys
s=[s for s in json.load(open(sys.argv[1]))["sources"] if s["name"]=="readiness alertmanager"][0]; assert not s["ok"] and s["error"], s' "$RJ"

# Two peers gossiping: HA.
cleanup
check "cluster peer 1 up" am c1 "$FIX/am_chat.yml" "$P1" --cluster.listen-address="127.0.0.1:$C1" \
	--cluster.peer="127.0.0.1:$C2" --cluster.settle-timeout=2s
check "cluster peer 2 up" am c2 "$FIX/am_chat.yml" "$P2" --cluster.listen-address="127.0.0.1:$C2" \
	--cluster.peer="127.0.0.1:$C1" --cluster.settle-timeout=2s
cluster_ready() {
	curl -fs "http://127.0.0.1:$P1/api/v2/status" | python3 -c 'import json,sys
c=json.load(sys.stdin)["cluster"]; assert c["status"]=="ready" and len(c["peers"])==2, c'
}
check "the two peers formed a ready cluster" wait_for 30 cluster_ready
conf "http://127.0.0.1:$P1" "http://127.0.0.1:$P2"
rd_once "$TEST_TMP/ceres.conf"
expect_check availability.alertmanager_ha pass "cluster ready with 2 peers"
expect_check integration.alert_chat pass
finish
