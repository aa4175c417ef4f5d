#!/bin/bash
# Readiness: Redis Sentinel (availability.redis_sentinel) against real
# servers of this test's own: a master (SANDBOX_PORT_BASE+550), a replica
# of it (+551) and two redis-server --sentinel (+552, +553) monitoring it
# with quorum 2.  Both Sentinels up and the replica online: pass, with the
# quorum Sentinel's CKQUORUM reports.  A master name it does not monitor
# fails; the second Sentinel gone: NOQUORUM, fail; the replica gone too:
# "no replica online", fail.  A Sentinel with requirepass: the password
# from password_file works and is never printed, a wrong one is unknown.
# A plain Redis in its place and nothing listening are unknown.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/readiness.sh"
BASE=${SANDBOX_PORT_BASE:-29000}
M=$((BASE + 550)) R=$((BASE + 551)) S1=$((BASE + 552)) S2=$((BASE + 553))
ID=availability.redis_sentinel


for p in $M $R $S1 $S2; do
	if ss -Htln | awk '{print $4}' | grep -qE "[:.]$p\$"; then echo "Bail out! port $p busy"; exit 1; fi
done
declare -A PID
cleanup() {
	local p
	for p in "${PID[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PID[@]}"; do wait "$p" 2>/dev/null; done
	PID=()
}
trap cleanup EXIT
redis() {	# PORT [args...]
	local port=$1
	shift
	mkdir -p "$TEST_TMP/r$port"
	redis-server --bind 127.0.0.1 --port "$port" --dir "$TEST_TMP/r$port" --save '' --appendonly no \
		--daemonize no --logfile '' --unixsocket '' "$@" > "$TEST_TMP/r$port.log" 2>&1 &
	PID[$port]=$!
	wait_for 10 redis-cli -h 127.0.0.1 -p "$port" --no-auth-warning ${AUTH:+-a "$AUTH"} ping
}
sentinel() {	# PORT [requirepass]
	local port=$1
	mkdir -p "$TEST_TMP/s$port"
	{
		printf 'port %s\nbind 127.0.0.1\ndir %s\nlogfile ""\n' "$port" "$TEST_TMP/s$port"
		printf 'sentinel monitor ceres 127.0.0.1 %s 2\n' "$M"
		printf 'sentinel down-after-milliseconds ceres 1000\nsentinel failover-timeout ceres 600000\n'
		[ -n "${2:-}" ] && printf 'requirepass %s\n' "$2"
	} > "$TEST_TMP/s$port/sentinel.conf"
	redis-server "$TEST_TMP/s$port/sentinel.conf" --sentinel > "$TEST_TMP/s$port.log" 2>&1 &
	PID[$port]=$!
	AUTH=${2:-} wait_for 10 redis-cli -h 127.0.0.1 -p "$port" --no-auth-warning ${2:+-a "$2"} ping
}
sq() {	# PORT command... : a Sentinel's answer
	redis-cli -h 127.0.0.1 -p "$1" --no-auth-warning ${SQ_AUTH:+-a "$SQ_AUTH"} "${@:2}" 2>/dev/null
}
field() {	# PORT FIELD: the field of "SENTINEL MASTER ceres"
	sq "$1" sentinel master ceres | awk -v f="$2" 'n {print; exit} $0 == f {n = 1}'
}
conf() {	# [extra lines]
	umask 077
	printf '[ceres]\ntimeout = 3\n[redis]\nsentinel = 127.0.0.1:%s\n%s' "$S1" "${1:-}" > "$TEST_TMP/ceres.conf"
}

check "master up on :$M" redis "$M"
check "replica up on :$R" redis "$R" --replicaof 127.0.0.1 "$M"
check "sentinel 1 up on :$S1" sentinel "$S1"
check "sentinel 2 up on :$S2" sentinel "$S2"
both() { [ "$(field "$S1" num-other-sentinels)" = 1 ] && [ "$(field "$S1" num-slaves)" = 1 ] &&
	sq "$S1" sentinel replicas ceres | grep -qx ok; }
check "sentinel 1 sees the other sentinel and the replica" wait_for 30 both
conf
check "--check-config accepts sentinel" "$CERES_TOP" -c "$TEST_TMP/ceres.conf" --check-config
rd_once
check "nothing on stderr" [ ! -s "$TEST_TMP/err" ]
expect_check $ID pass "Sentinel 127.0.0.1:$S1: master ceres at 127.0.0.1:$M, quorum 2 of 2 sentinels"
expect_check $ID pass "(OK 2 usable Sentinels), 1/1 replica(s) online"
check "the HA Redis item counts the Sentinel check" bash -c \
	"python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); i=[i for i in j[\"readiness\"][\"items\"] if i[\"title\"]==\"HA Redis (Sentinel)\"][0]; sys.exit(0 if \"$ID\" in i[\"checks\"] else 1)' '$RJ'"

conf 'sentinel_master = cache
'
rd_once
expect_check $ID fail "Sentinel 127.0.0.1:$S1 monitors no master named 'cache' (1 masters)"
conf 'sentinel_master = ceres
'

# The second Sentinel goes: quorum 2 cannot be reached any more.
kill "${PID[$S2]}"; wait "${PID[$S2]}" 2>/dev/null; unset "PID[$S2]"
s2_down() { sq "$S1" sentinel sentinels ceres | grep -q s_down; }
check "sentinel 1 marks the other one down" wait_for 20 s2_down
rd_once
expect_check $ID fail "Sentinel 127.0.0.1:$S1: master ceres: NOQUORUM 1 usable Sentinels (quorum 2 of 2 sentinels)"
check "the HA Redis item fails with it" [ "$(item 'HA Redis (Sentinel)')" = fail ]

# The replica goes too.
kill "${PID[$R]}"; wait "${PID[$R]}" 2>/dev/null; unset "PID[$R]"
r_down() { sq "$S1" sentinel replicas ceres | grep -q s_down; }
check "sentinel 1 marks the replica down" wait_for 20 r_down
rd_once
expect_check $ID fail "NOQUORUM 1 usable Sentinels (quorum 2 of 2 sentinels), master ceres: no replica online (1 known: 127.0.0.1:$R "
cleanup

# A Sentinel with requirepass.
check "master up again" redis "$M"
check "sentinel with requirepass up on :$S1" sentinel "$S1" s3cret-sentinel-pw
echo s3cret-sentinel-pw > "$TEST_TMP/sentinel.pass"
conf "sentinel_password_file = $TEST_TMP/sentinel.pass
"
rd_once
expect_check $ID fail "master ceres: no replica online (0 known)"
check "the Sentinel password appears nowhere" bash -c "! grep -q s3cret '$RJ' '$TEST_TMP/err'"
echo wrong-pw > "$TEST_TMP/sentinel.pass"
rd_once
expect_check $ID unknown "sentinel: AUTH refused: WRONGPASS"
cleanup

# A plain Redis where the Sentinel should be; then nothing at all.
check "a plain redis on :$S1" redis "$S1"
conf
rd_once
expect_check $ID unknown "sentinel: ERR unknown command 'SENTINEL'"
cleanup
rd_once
expect_check $ID unknown "sentinel: Connection refused"
printf '[ceres]\ntimeout = 3\n' > "$TEST_TMP/ceres.conf"
rd_once
expect_check $ID unknown "no [redis] sentinel configured"
finish
