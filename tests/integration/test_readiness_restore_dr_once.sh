#!/bin/bash
# Readiness: a restore tested within 30 days (the restore_test.json the
# backup tooling writes, in the backup state's format: never, fresh,
# stale, a later failure, RFC 3339, garbage, a directory, [backup]
# restore_state_file) and the disaster-recovery runbook ([readiness]
# dr_runbook: not set, missing, too short, present, a directory); each
# item of the assessment they prove follows them.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/readiness.sh"
S=$TEST_TMP/state
mkdir -p "$S"
CFG=$TEST_TMP/c.conf
printf '[ceres]\nstate_dir = %s\n' "$S" > "$CFG"
now=$(date +%s)
R=$S/restore_test.json

rd_once "$CFG"
check "nothing on stderr" [ ! -s "$TEST_TMP/err" ]
expect_check availability.restore_tested fail "no restore test recorded ($R does not exist)"
expect_check availability.dr_runbook unknown "no [readiness] dr_runbook"
check "the DR plan item is fail (worst of its checks)" [ "$(item 'Disaster recovery plan')" = fail ]

echo "{\"last_run\": $((now - 86400)), \"last_status\": \"success\", \"last_success\": $((now - 86400))}" > "$R"
rd_once "$CFG"
expect_check availability.restore_tested pass "last successful restore test 1d"
echo "{\"last_run\": \"$(date -u -d @$((now - 10 * 86400)) +%FT%TZ)\", \"last_status\": \"success\", \"last_success\": \"$(date -u -d @$((now - 10 * 86400)) +%FT%TZ)\"}" > "$R"
rd_once "$CFG"
expect_check availability.restore_tested pass "last successful restore test 10d"
echo "{\"last_run\": $((now - 40 * 86400)), \"last_status\": \"success\", \"last_success\": $((now - 40 * 86400))}" > "$R"
rd_once "$CFG"
expect_check availability.restore_tested fail "more than 30 days"
echo "{\"last_run\": $((now - 3600)), \"last_status\": \"failed\", \"last_success\": $((now - 5 * 86400))}" > "$R"
rd_once "$CFG"
expect_check availability.restore_tested fail "the last restore test failed (failed)"
echo "{\"last_run\": $((now - 3600)), \"last_status\": \"failed\", \"last_success\": null}" > "$R"
rd_once "$CFG"
expect_check availability.restore_tested fail "no successful restore test recorded (last status: failed)"
printf '\x1b[31m{not json' > "$R"
rd_once "$CFG"
expect_check availability.restore_tested unknown "restore test state $R:"
check "garbage: evidence is terminal-safe" bash -c "! grep -q $'\x1b' '$RJ'"
rm -f "$R"; mkdir "$R"
rd_once "$CFG"
expect_check availability.restore_tested unknown "not a regular file"
rmdir "$R"
# [backup] restore_state_file names another file.
echo "{\"last_success\": $((now - 7200))}" > "$TEST_TMP/rt.json"
printf '[ceres]\nstate_dir = %s\n[backup]\nrestore_state_file = %s\n' "$S" "$TEST_TMP/rt.json" > "$TEST_TMP/c2.conf"
rd_once "$TEST_TMP/c2.conf"
expect_check availability.restore_tested pass "last successful restore test 2h"

# The disaster-recovery runbook.
DR=$TEST_TMP/dr.md
printf '[ceres]\nstate_dir = %s\n[readiness]\ndr_runbook = %s\n' "$S" "$DR" > "$CFG"
rd_once "$CFG"
expect_check availability.dr_runbook fail "disaster-recovery runbook $DR: No such file or directory"
echo "# DR: TODO" > "$DR"
rd_once "$CFG"
expect_check availability.dr_runbook fail "has 11 bytes: too short to be a plan"
{ echo "# Disaster recovery"; for i in $(seq 1 20); do echo "$i. restore step $i of the Ceres platform"; done; } > "$DR"
touch -d '3 days ago' "$DR"
rd_once "$CFG"
expect_check availability.dr_runbook pass "disaster-recovery runbook $DR, $(stat -c %s "$DR") bytes, changed 3d"
echo "{\"last_success\": $((now - 600))}" > "$R"
rd_once "$CFG"
check "with both, the DR plan item passes" [ "$(item 'Disaster recovery plan')" = pass ]
rm -f "$DR"; mkdir "$DR"
rd_once "$CFG"
expect_check availability.dr_runbook fail "not a regular file"
check "--check-config knows both keys" bash -c "'$CERES_TOP' --check-config -c '$TEST_TMP/c2.conf' >/dev/null 2>&1 && '$CERES_TOP' --check-config -c '$CFG' >/dev/null 2>&1"
for id in availability.restore_tested availability.dr_runbook; do
	check "runbook page for $id" [ -s "$TESTS_DIR/../doc/runbooks/$id.md" ]
done
finish
