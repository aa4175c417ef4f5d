#!/bin/bash
# Readiness from local files other areas write: the backup state (epoch or
# RFC 3339, fresh, stale, failed, garbage, a FIFO), the webhook test state,
# the audit log, the backup command; default paths under XDG_STATE_HOME.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/readiness.sh"
S=$TEST_TMP/state
mkdir -p "$S"

umask 077
echo "http://127.0.0.1:9/hooks/zzsecretkeyzz" > "$TEST_TMP/hook.url"

# No [backup], no state: unknown (backups may be made by other means).
cat > "$TEST_TMP/a.conf" <<EOF
[ceres]
state_dir = $S
audit_log = $TEST_TMP/audit/audit.log
EOF
rd_once "$TEST_TMP/a.conf"
expect_check availability.backups unknown "no [backup] section and no backup state in $S/backup.json"
expect_check manageability.backup_command fail "[backup] command not set"
expect_check integration.webhooks unknown "no [webhook] routes configured"
expect_check observability.audit_log pass "$TEST_TMP/audit/audit.log: writable, no entry yet"
check "checking the audit log did not create it" [ ! -e "$TEST_TMP/audit" ]
expect_check availability.health_checks fail "0/15 platform services have a health check"
expect_check security.secrets pass "no secrets in the config"

# A backup command and webhook routes configured.
printf '#!/bin/sh\necho backing up\n' > "$TEST_TMP/ceres-backup"
chmod 700 "$TEST_TMP/ceres-backup"
cat > "$TEST_TMP/b.conf" <<EOF
[ceres]
state_dir = $S
audit_log = $TEST_TMP/audit.log
[backup]
command = $TEST_TMP/ceres-backup --all
retention_days = 14
[webhook "mattermost-ops"]
kind = mattermost
url_file = $TEST_TMP/hook.url
[webhook "zulip-dev"]
kind = zulip
url_file = $TEST_TMP/hook.url
EOF
rd_once "$TEST_TMP/b.conf"
expect_check availability.backups fail "no backup recorded yet ($S/backup.json does not exist)"
expect_check manageability.backup_command pass "$TEST_TMP/ceres-backup: executable"
expect_check integration.webhooks unknown "never tested: mattermost-ops, zulip-dev (w key)"

now=$(date +%s)
echo "{\"last_success\": $((now - 3 * 3600)), \"last_run\": $((now - 3 * 3600)), \"last_status\": \"ok\", \"last_exit\": 0}" > "$S/backup.json"
rd_once "$TEST_TMP/b.conf"
expect_check availability.backups pass "last successful backup 3h"
expect_check availability.backups pass "kept 14 days"
echo "{\"last_success\": \"$(date -u -d @$((now - 30 * 3600)) +%Y-%m-%dT%H:%M:%SZ)\", \"last_run\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\", \"last_status\": \"failed\"}" > "$S/backup.json"
rd_once "$TEST_TMP/b.conf"
expect_check availability.backups fail "more than 26 h"
echo '{"last_run": 1795690000, "last_status": "killed"}' > "$S/backup.json"
rd_once "$TEST_TMP/b.conf"
expect_check availability.backups fail "no successful backup recorded (last status: killed)"
printf '\x00\x1b[2J{{{' > "$S/backup.json"
rd_once "$TEST_TMP/b.conf"
expect_check availability.backups unknown "invalid JSON"
rm -f "$S/backup.json"
mkfifo "$S/backup.json"
start=$(date +%s%N)
rd_once "$TEST_TMP/b.conf"
check "a FIFO at the state path does not block (took $(( ($(date +%s%N) - start) / 1000000 )) ms)" \
	[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 5000 ]
expect_check availability.backups unknown "not a regular file"
rm -f "$S/backup.json"

# Webhook test results.
echo "{\"routes\": {\"mattermost-ops\": {\"status\": 200, \"ok\": true, \"time\": $((now - 600))}}}" > "$S/webhooks.json"
rd_once "$TEST_TMP/b.conf"
expect_check integration.webhooks unknown "never tested: zulip-dev"
echo "{\"routes\": {\"mattermost-ops\": {\"status\": 200, \"ok\": true, \"time\": $((now - 600))},
  \"zulip-dev\": {\"status\": 200, \"ok\": true, \"time\": \"$(date -u -d @$((now - 7200)) +%Y-%m-%dT%H:%M:%SZ)\"}}}" > "$S/webhooks.json"
rd_once "$TEST_TMP/b.conf"
expect_check integration.webhooks pass "2/2 routes answered their last test (oldest 2h"
echo '{"routes": {"mattermost-ops": {"status": 404, "ok": false, "time": 1}, "zulip-dev": {"status": 0, "ok": false, "error": "Could not resolve host: chat"}}}' > "$S/webhooks.json"
rd_once "$TEST_TMP/b.conf"
expect_check integration.webhooks fail "last test failed for mattermost-ops: HTTP 404, zulip-dev: Could not resolve host: chat"
check "the webhook URL never appears" bash -c "! grep -q zzsecretkeyzz '$RJ'"
expect_check security.secrets pass "2 secret(s), all from *_file or *_env"
printf '[gitea]\nurl = http://127.0.0.1:9\ntoken = inline-t0ken-xyz\n' > "$TEST_TMP/inline.conf"
rd_once "$TEST_TMP/inline.conf"
expect_check security.secrets fail "1 secret(s) inline in $TEST_TMP/inline.conf: [gitea] token"
check "the inline secret is not shown" bash -c "! grep -q inline-t0ken-xyz '$RJ'"

# The audit log: an entry's time, and an unwritable place.
echo '{"time":"2026-01-01T00:00:00Z","user":"op","action":"silence"}' > "$TEST_TMP/audit.log"
echo "{\"time\":\"$(date -u -d @$((now - 120)) +%Y-%m-%dT%H:%M:%SZ)\",\"user\":\"op\",\"action\":\"expire\"}" >> "$TEST_TMP/audit.log"
rd_once "$TEST_TMP/b.conf"
expect_check observability.audit_log pass "$TEST_TMP/audit.log: writable, last entry 2m"
sed -i "s|^audit_log = .*|audit_log = $TEST_TMP/ceres-backup/audit.log|" "$TEST_TMP/b.conf"
sed -i "s|^command = .*|command = $TEST_TMP/missing-backup|" "$TEST_TMP/b.conf"
rd_once "$TEST_TMP/b.conf"
expect_check observability.audit_log fail "ceres-backup/audit.log: Not a directory"
expect_check manageability.backup_command fail "$TEST_TMP/missing-backup: No such file or directory"

# Default paths: $XDG_STATE_HOME/ceres-top/.
mkdir -p "$TEST_TMP/xdg/ceres-top"
echo "{\"last_success\": $((now - 60))}" > "$TEST_TMP/xdg/ceres-top/backup.json"
printf '[backup]\ncommand = /bin/true\n' > "$TEST_TMP/c.conf"
XDG_STATE_HOME=$TEST_TMP/xdg "$CERES_TOP" -c "$TEST_TMP/c.conf" --once --panes readiness --format json > "$RJ"
expect_check availability.backups pass "last successful backup 1m"
expect_check observability.audit_log pass "$TEST_TMP/xdg/ceres-top/audit.log"
finish
