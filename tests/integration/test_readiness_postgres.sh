#!/bin/bash
# Readiness against real PostgreSQL 15 servers of this test's own: a
# primary (SANDBOX_PORT_BASE+520) with pg_stat_statements and WAL archiving,
# then a real streaming replica made with pg_basebackup -R (standby.signal +
# primary_conninfo) on +521; settings changed live (md5, autovacuum off);
# the connection pool filled to 80 %; the central audit database with and
# without privileges.  Runs as root, the servers as user postgres.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/readiness.sh"
sandbox_env
BASE=${SANDBOX_PORT_BASE:-29000}
P1=$((BASE + 520)) P2=$((BASE + 521))
PGBIN=${SANDBOX_PGBIN:-/usr/lib/postgresql/15/bin}


for p in $P1 $P2; do
	if ss -Htln | awk '{print $4}' | grep -qE "[:.]$p\$"; then echo "Bail out! port $p busy"; exit 1; fi
done
# The servers run as postgres: their directory must be reachable by it
# (TEST_TMP is 0700 root).
PGD=$(mktemp -d /tmp/ceres-rd-pg.XXXXXX)
chmod 711 "$PGD"
mkdir -p "$PGD/archive"
chown -R postgres: "$PGD"
pg() { runuser -u postgres -- "$@"; }
psql1() { pg "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$P1" -U postgres "$@"; }
stop_all() {
	local d
	for d in replica primary; do
		[ -f "$PGD/$d/postmaster.pid" ] && pg "$PGBIN/pg_ctl" -D "$PGD/$d" -m immediate -w stop >/dev/null 2>&1
	done
	rm -rf "$PGD"
}
trap stop_all EXIT

conf() {	# PORT [extra lines]
	{
		printf '[ceres]\ntimeout = 3\n[postgres]\n'
		printf 'conninfo = hostaddr=127.0.0.1 port=%s dbname=postgres user=postgres connect_timeout=2\n' "$1"
		[ -n "${2:-}" ] && printf '%s\n' "$2"
	} > "$TEST_TMP/ceres.conf"
}

initdb_primary() {
	pg "$PGBIN/initdb" -D "$PGD/primary" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
		> "$PGD/initdb.log" 2>&1
}
check "initdb of the primary" initdb_primary
cat >> "$PGD/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $P1
unix_socket_directories = '$PGD'
fsync = off
max_connections = 12
superuser_reserved_connections = 1
max_wal_senders = 4
shared_preload_libraries = 'pg_stat_statements'
archive_mode = on
archive_command = 'test ! -f $PGD/archive/%f && cp %p $PGD/archive/%f'
EOF
pg_start() { pg "$PGBIN/pg_ctl" -D "$PGD/$1" -l "$PGD/$1.log" -w -t 30 start > /dev/null; }
check "primary started on :$P1" pg_start primary

# 1. A primary alone.
conf "$P1"
rd_once "$TEST_TMP/ceres.conf"
expect_check availability.ha_postgres fail "primary with no replica in pg_stat_replication"
expect_check performance.query_stats pass "pg_stat_statements"
expect_check manageability.pitr pass "archive_mode=on, WAL archived by archive_command"
expect_check security.password_hashing pass "scram-sha-256"
expect_check performance.db_maintenance pass "autovacuum=on, track_counts=on"
expect_check performance.connection_pool pass "/12 client connections"

# 2. A real streaming replica: pg_basebackup -R writes standby.signal and
# primary_conninfo.
check "pg_basebackup -R into a second data directory" pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$P1" \
	-U postgres -D "$PGD/replica" -R -X stream --no-sync
check "the copy is a standby (standby.signal, primary_conninfo)" bash -c \
	"[ -f '$PGD/replica/standby.signal' ] && grep -q primary_conninfo '$PGD/replica/postgresql.auto.conf'"
sed -i "s/^port = $P1\$/port = $P2/" "$PGD/replica/postgresql.conf"
check "replica started on :$P2" pg_start replica
streaming() { [ "$(psql1 -c "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ]; }
check "the primary sees it streaming" wait_for 30 streaming
rd_once "$TEST_TMP/ceres.conf"
expect_check availability.ha_postgres pass "streaming, async, replay lag"
check "evidence names the replica and its address" python3 -c 'import json,sys
c=[c for k in json.load(open(sys.argv[1]))["readiness"]["categories"] for c in k["checks"] if c["id"]=="availability.ha_postgres"][0]
assert "walreceiver (127.0.0.1)" in c["evidence"], c' "$RJ"
conf "$P2"
rd_once "$TEST_TMP/ceres.conf"
expect_check availability.ha_postgres pass "replica in recovery"

# 3. Settings changed live on the primary.
psql1 -c "ALTER SYSTEM SET autovacuum = off" -c "ALTER SYSTEM SET password_encryption = 'md5'" \
	-c "SELECT pg_reload_conf()" > /dev/null
reloaded() { [ "$(psql1 -c 'SHOW autovacuum')" = off ]; }
check "settings reloaded" wait_for 10 reloaded
conf "$P1"
rd_once "$TEST_TMP/ceres.conf"
expect_check performance.db_maintenance fail "autovacuum=off"
expect_check security.password_hashing fail "password_encryption=md5"

# 4. The pool at 80 %: nine sessions held open (+ ours = 10 of 12).
for i in 1 2 3 4 5 6 7 8 9; do
	pg "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$P1" -U postgres -c "SELECT pg_sleep(60) /* rd-hold */" \
		>/dev/null 2>&1 &
done
held() { [ "$(psql1 -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%rd-hold%' AND pid <> pg_backend_pid()")" -ge 9 ]; }
check "nine sessions held" wait_for 10 held
rd_once "$TEST_TMP/ceres.conf"
# Ours is at least the tenth; the health source's may be an eleventh.
expect_check performance.connection_pool fail "/12 client connections"
psql1 -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE '%rd-hold%' AND pid <> pg_backend_pid()" > /dev/null
wait

# 5. The central audit database.
psql1 -c "CREATE DATABASE ceres_audit" -c "CREATE ROLE auditor LOGIN" > /dev/null
psql1 -d ceres_audit -c "CREATE TABLE ceres_audit (time timestamptz, line jsonb)" > /dev/null
conf "$P1" "[audit]
conninfo = hostaddr=127.0.0.1 port=$P1 dbname=ceres_audit user=auditor connect_timeout=2"
rd_once "$TEST_TMP/ceres.conf"
expect_check security.audit_central fail "ceres_audit@127.0.0.1:$P1: no INSERT privilege on ceres_audit"
psql1 -d ceres_audit -c "GRANT INSERT ON ceres_audit TO auditor" > /dev/null
rd_once "$TEST_TMP/ceres.conf"
expect_check security.audit_central pass "table ceres_audit writable"
psql1 -d ceres_audit -c "DROP TABLE ceres_audit" > /dev/null
rd_once "$TEST_TMP/ceres.conf"
expect_check security.audit_central fail "no table ceres_audit and no CREATE privilege"
psql1 -d ceres_audit -c "GRANT CREATE ON SCHEMA public TO auditor" > /dev/null
rd_once "$TEST_TMP/ceres.conf"
expect_check security.audit_central pass "created with the first action"
check "the audit conninfo is never shown, only dbname@host:port" bash -c "! grep -qE 'user=|dbname=|hostaddr=' '$RJ'"

# 6. Both gone: the database checks are unknown, the audit one fails.
pg "$PGBIN/pg_ctl" -D "$PGD/replica" -m immediate -w stop > /dev/null
pg "$PGBIN/pg_ctl" -D "$PGD/primary" -m immediate -w stop > /dev/null
rd_once "$TEST_TMP/ceres.conf"
expect_check availability.ha_postgres unknown "postgres"
expect_check performance.query_stats unknown
expect_check security.audit_central fail "audit database ceres_audit@127.0.0.1:$P1"
finish
