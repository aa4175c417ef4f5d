#!/usr/bin/env bash
# doc/examples/ceres-backup against the sandbox's real PostgreSQL: a dump
# restores into an empty database with the same rows, checksums verify,
# databases come from arguments, the environment or the server's list,
# retention removes only old runs and only after a good run, a failure
# exits non-zero and leaves a .failed run, and a second run waits for no
# one: it exits 75 while the lock is held.
. "$(dirname "$0")/../lib/common.sh"
sandbox_env

SCRIPT=$(cd "$TESTS_DIR/.." && pwd)/doc/examples/ceres-backup
export PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres
unset PGDATABASE CERES_BACKUP_DATABASES CERES_BACKUP_DIR CERES_BACKUP_RETENTION_DAYS
DB=ceres_bk_src_$$
RESTORED=ceres_bk_dst_$$
BK=$TEST_TMP/bk
psql_q() { psql -XAtq -d "${2:-postgres}" -c "$1"; }
cleanup() {
	psql_q "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
	psql_q "DROP DATABASE IF EXISTS $RESTORED" >/dev/null 2>&1
}
trap cleanup EXIT

psql_q "CREATE DATABASE $DB"
psql_q "CREATE TABLE t (id int PRIMARY KEY, note text); INSERT INTO t SELECT g, 'zeile ' || g || ' – ü' FROM generate_series(1, 5000) g" "$DB"

# ---- a good run
"$SCRIPT" -d "$BK" -k 7 "$DB" postgres > "$TEST_TMP/out1" 2> "$TEST_TMP/err1"
rc=$?
check "a good run exits 0" test "$rc" = 0
check "it logs each dump with a timestamp" grep -qE "^20[0-9-]{8}T[0-9:]{8}Z ceres-backup: ok $DB: [0-9]+ bytes" "$TEST_TMP/out1"
check "nothing on stderr" test ! -s "$TEST_TMP/err1"
RUN=$(readlink "$BK/latest")
check "latest points at the run" test -d "$BK/$RUN"
check "custom-format dumps" bash -c "head -c 5 '$BK/latest/$DB.dump' | grep -q PGDMP"
check "pg_restore --list reads the dump" bash -c "pg_restore --list '$BK/latest/$DB.dump' | grep -q 'TABLE public t'"
check "checksums verify" bash -c "cd '$BK/latest' && sha256sum --quiet -c SHA256SUMS && test \$(wc -l < SHA256SUMS) = 2"
check "dumps are private (0600)" test "$(stat -c %a "$BK/latest/$DB.dump")" = 600
psql_q "CREATE DATABASE $RESTORED"
pg_restore --no-owner -d "$RESTORED" "$BK/latest/$DB.dump" 2> "$TEST_TMP/restore.err"
check "the dump restores with every row" test "$(psql_q "SELECT count(*) || ' ' || md5(string_agg(note, ',' ORDER BY id)) FROM t" "$RESTORED")" = \
	"$(psql_q "SELECT count(*) || ' ' || md5(string_agg(note, ',' ORDER BY id)) FROM t" "$DB")"

# ---- databases from the environment, and from the server's own list
CERES_BACKUP_DATABASES="$DB,postgres" "$SCRIPT" -d "$TEST_TMP/bk-env" > /dev/null 2>&1
check "CERES_BACKUP_DATABASES (comma separated) is used" test -s "$TEST_TMP/bk-env/latest/$DB.dump" -a -s "$TEST_TMP/bk-env/latest/postgres.dump"
"$SCRIPT" -d "$TEST_TMP/bk-all" > "$TEST_TMP/out-all" 2>&1
check "without a list, every database is dumped" bash -c "test -s '$TEST_TMP/bk-all/latest/$DB.dump' -a -s '$TEST_TMP/bk-all/latest/ceres_audit.dump' && ! ls '$TEST_TMP/bk-all/latest/' | grep -q template"

# ---- retention: only old runs go, only after a good run
mkdir -p "$BK/20200101T000000Z" "$BK/20200102T000000Z.failed" "$BK/keep-me"
touch -d '20 days ago' "$BK/20200101T000000Z" "$BK/20200102T000000Z.failed" "$BK/keep-me"
"$SCRIPT" -d "$BK" -k 7 no_such_db_$$ > "$TEST_TMP/out2" 2> "$TEST_TMP/err2"
rc=$?
check "a failed dump exits 1" test "$rc" = 1
check "the error says which database" grep -q "ERROR: pg_dump of no_such_db_$$ failed" "$TEST_TMP/err2"
check "the failed run is kept as .failed" bash -c "ls -d '$BK'/*.failed | grep -v 20200102 | grep -q ."
check "latest still points at the good run" test "$(readlink "$BK/latest")" = "$RUN"
check "no retention after a failed run" test -d "$BK/20200101T000000Z"
"$SCRIPT" -d "$BK" -k 7 "$DB" > "$TEST_TMP/out3" 2>&1
check "a good run removes runs older than 7 days" test ! -e "$BK/20200101T000000Z" -a ! -e "$BK/20200102T000000Z.failed"
check "...and says so" grep -q "removed 20200101T000000Z (older than 7 days)" "$TEST_TMP/out3"
check "...keeps recent runs and foreign files" test -d "$BK/$RUN" -a -d "$BK/keep-me"

# ---- one run at a time, and bad usage
exec 8>"$BK/.lock"
flock -n 8
"$SCRIPT" -d "$BK" "$DB" > /dev/null 2> "$TEST_TMP/err4"
rc=$?
exec 8>&-
check "a second run exits 75 while the lock is held" test "$rc" = 75
check "...saying why" grep -q "another backup is running" "$TEST_TMP/err4"
"$SCRIPT" -d "$BK" -k soon "$DB" > /dev/null 2>&1
check "a bad retention value is a usage error (2)" test "$?" = 2
finish
