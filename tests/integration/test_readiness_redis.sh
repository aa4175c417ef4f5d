#!/bin/bash
# Readiness against real Redis servers of this test's own: a master alone
# (SANDBOX_PORT_BASE+530), then a second redis-server --replicaof it (+531);
# a master with requirepass, maxmemory and an eviction policy (+532), read
# with and without the password.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/readiness.sh"
sandbox_env
BASE=${SANDBOX_PORT_BASE:-29000}
M=$((BASE + 530)) R=$((BASE + 531)) A=$((BASE + 532))


for p in $M $R $A; do
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
redis() {	# PORT [args...]
	local port=$1
	shift
	mkdir -p "$TEST_TMP/r$port"
	redis-server --bind 127.0.0.1 --port "$port" --dir "$TEST_TMP/r$port" --save '' --appendonly no \
		--daemonize no --logfile '' --unixsocket '' "$@" > "$TEST_TMP/r$port.log" 2>&1 &
	PIDS+=($!)
	wait_for 10 redis-cli -h 127.0.0.1 -p "$port" --no-auth-warning ${REDIS_PW:+-a "$REDIS_PW"} ping
}
conf() {	# PORT [password-file]
	{
		printf '[ceres]\ntimeout = 3\n[redis]\naddress = 127.0.0.1:%s\n' "$1"
		[ -n "${2:-}" ] && printf 'password_file = %s\n' "$2"
	} > "$TEST_TMP/ceres.conf"
}

check "master up on :$M" redis "$M"
conf "$M"
rd_once "$TEST_TMP/ceres.conf"
expect_check availability.ha_redis fail "master with 0 connected replica(s), none online"
expect_check security.redis_auth fail "answered PONG"
expect_check performance.cache_limits fail "maxmemory 0 (unbounded), policy noeviction"

check "replica up on :$R with --replicaof" redis "$R" --replicaof 127.0.0.1 "$M"
online() { redis-cli -h 127.0.0.1 -p "$M" info replication | grep -q '^slave0:.*state=online'; }
check "master sees the replica online" wait_for 20 online
rd_once "$TEST_TMP/ceres.conf"
expect_check availability.ha_redis pass "master with 1 replica(s) online"
conf "$R"
rd_once "$TEST_TMP/ceres.conf"
expect_check availability.ha_redis pass "the configured server is a replica, master link up"

# The replica loses its master.
kill "${PIDS[0]}"
wait "${PIDS[0]}" 2>/dev/null
link_down() { redis-cli -h 127.0.0.1 -p "$R" info replication | grep -q '^master_link_status:down'; }
check "replica notices its master is gone" wait_for 20 link_down
rd_once "$TEST_TMP/ceres.conf"
expect_check availability.ha_redis fail "master link down"
cleanup

# requirepass, maxmemory, allkeys-lru.
umask 077
echo "s3cret-redis-pw" > "$TEST_TMP/redis.pass"
REDIS_PW=s3cret-redis-pw
check "master with requirepass and maxmemory up on :$A" redis "$A" --requirepass s3cret-redis-pw \
	--maxmemory 64mb --maxmemory-policy allkeys-lru
conf "$A" "$TEST_TMP/redis.pass"
rd_once "$TEST_TMP/ceres.conf"
expect_check security.redis_auth pass "refused (NOAUTH)"
expect_check performance.cache_limits pass "maxmemory 64 MiB, policy allkeys-lru"
expect_check availability.ha_redis fail "0 connected replica"
check "the password appears nowhere" bash -c "! grep -q s3cret '$RJ'"
conf "$A"
rd_once "$TEST_TMP/ceres.conf"
expect_check security.redis_auth pass
expect_check performance.cache_limits unknown "password needed"
cleanup

# Nothing listens: unknown.
rd_once "$TEST_TMP/ceres.conf"
expect_check security.redis_auth unknown "redis"
expect_check performance.cache_limits unknown
finish
