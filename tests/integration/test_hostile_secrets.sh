#!/usr/bin/env bash
# Secrets never leave ceres-top: a config with distinctive secret values
# (Gitea token, Redmine API key, Loki password, webhook URL, Redis
# password, PostgreSQL password in the conninfo, a service token, an
# Alertmanager password, a Keycloak admin token; inline, from *_file and
# from *_env) against the sandbox and a hostile backend that echoes the
# credentials it receives.  Everything ceres-top writes is searched for
# every secret: --once in all formats, --check-config, stderr, the audit
# log, and the console's screens (every pane, help, each row's details).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"
sandbox_env

HOSTILE=$TESTS_DIR/fakes/hostile.py
HBASE=$(( ${SANDBOX_PORT_BASE:-23000} + 620 ))
D=$TEST_TMP/hostile-secrets
OUT=$D/out            # everything ceres-top writes goes here
mkdir -p "$D/secrets" "$OUT"

S_GITEA=GiteaTok-5ecr3t-0a1b2c3d
S_REDMINE=RedmineKey-5ecr3t-4e5f6a7b
S_LOKI=LokiPass-5ecr3t-8c9d0e1f
S_WEBHOOK=WebhookPath-5ecr3t-2a3b4c5d
S_REDIS=RedisPass-5ecr3t-6e7f8a9b
S_PG=PgPass-5ecr3t-0c1d2e3f
S_SERVICE=ServiceTok-5ecr3t-4a5b6c7d
S_ECHO=EchoTok-5ecr3t-8e9f0a1b
S_AM=AmPass-5ecr3t-2c3d4e5f
S_KC=KcAdmin-5ecr3t-6a7b8c9d
SECRETS=("$S_GITEA" "$S_REDMINE" "$S_LOKI" "$S_WEBHOOK" "$S_REDIS" "$S_PG" "$S_SERVICE" "$S_ECHO" "$S_AM" "$S_KC")

python3 "$HOSTILE" --port "$HBASE" --other-port $((HBASE + 1)) --ready-file "$D/ready" > "$D/hostile.log" 2>&1 &
HPID=$!
trap 'tui_stop; kill $HPID 2>/dev/null; wait $HPID 2>/dev/null' EXIT
check "hostile backend is up" wait_for 30 test -s "$D/ready"

(umask 077
 echo "$S_REDMINE" > "$D/secrets/redmine.key"
 echo "$S_GITEA" > "$D/secrets/gitea.token")
export CERES_TEST_WEBHOOK_URL="http://127.0.0.1:$WEBHOOK_PORT/hooks/$S_WEBHOOK"
export CERES_TEST_LOKI_PASSWORD=$S_LOKI
cat > "$D/config" <<EOF
[ceres]
site = secrets
interval = 1
timeout = 3
audit_log = $OUT/audit.log

[prometheus]
url = http://127.0.0.1:$PROM_PORT

[alertmanager]
url = http://127.0.0.1:$AM_PORT
password = $S_AM

[loki]
url = http://127.0.0.1:$LOKI_PORT
user = ops
password_env = CERES_TEST_LOKI_PASSWORD

[gitea]
url = http://127.0.0.1:$GITEA_PORT
repos = ceres/infra
token_file = $D/secrets/gitea.token

[redmine]
url = http://127.0.0.1:$REDMINE_PORT
api_key_file = $D/secrets/redmine.key

[postgres]
conninfo = hostaddr=127.0.0.1 port=$PG_PORT dbname=postgres user=ceres_monitor password=$S_PG connect_timeout=3

[redis]
address = 127.0.0.1:$REDIS_PORT
password = $S_REDIS

[keycloak]
url = http://127.0.0.1:$KEYCLOAK_PORT
realm = ceres
health_url = http://127.0.0.1:$KEYCLOAK_HEALTH_PORT
admin_token = $S_KC

[service "tokened"]
kind = http
url = http://127.0.0.1:$GRAFANA_PORT/api/health
token = $S_SERVICE

[service "echo-ready"]
kind = tempo
url = http://127.0.0.1:$HBASE/echo-auth
token = $S_ECHO

[service "echo-redmine"]
kind = redmine
url = http://127.0.0.1:$HBASE/echo-auth
token = $S_ECHO
header = X-Redmine-API-Key

[webhook "ops"]
kind = mattermost
url_env = CERES_TEST_WEBHOOK_URL
EOF
chmod 600 "$D/config"

# found FILE...: which secrets occur in the files (none, we hope).
found() {
	local s hit=0
	for s in "${SECRETS[@]}"; do
		if grep -rqaF -- "$s" "$@" 2>/dev/null; then echo "# LEAK: $s in $(grep -rlaF -- "$s" "$@" | tr '\n' ' ')"; hit=1; fi
	done
	return $hit
}

# ---- the non-interactive outputs.
"$CERES_TOP" --check-config -c "$D/config" > "$OUT/check-config.out" 2> "$OUT/check-config.err"
check "--check-config accepts the config" test $? = 0
check "--check-config redacts (the loki password line says <redacted>)" grep -q '^password = <redacted>' "$OUT/check-config.out"
for fmt in text json nagios; do
	"$CERES_TOP" --once --format "$fmt" --timeout 10 -c "$D/config" > "$OUT/once.$fmt" 2> "$OUT/once.$fmt.err"
done
check "--once ran (json snapshot has the echo services)" grep -q '"echo-ready"' "$OUT/once.json"
check "the echoing backend did receive the credentials (the test can fail)" \
	bash -c 'curl -s --max-time 5 "http://127.0.0.1:$1/__hostile/requests" | grep -qF -- "$2"' _ "$HBASE" "$S_ECHO"
check "the echoed credential shows as <redacted>" grep -q 'echo-ready.*not ready: echo Authorization=Bearer <redacted>' "$OUT/once.text"
check "no secret in --check-config, --once (text, json, nagios) or their stderr" found "$OUT"

# A config with an inline secret that others can read is refused, and the
# refusal does not quote the secret.
cp "$D/config" "$D/config-644"; chmod 644 "$D/config-644"
"$CERES_TOP" --once -c "$D/config-644" > "$OUT/refused.out" 2> "$OUT/refused.err"
check "a group/world-readable config with inline secrets is refused" test $? -ne 0 -a -s "$OUT/refused.err"
check "the refusal names no secret" found "$OUT/refused.out" "$OUT/refused.err"

# ---- the console: every pane, help, and the details of every row.
tui_start 160 60 -c "$D/config"
check "console started" tui_wait "echo-ready" 20
wait_for 10 tui_has "not ready"
snap() { tui_screen -e -S - > "$OUT/screen-$1.txt"; tui_screen > "$OUT/screen-$1.plain"; }
snap start
tui_keys '?'; tui_wait "this help" 5; snap help; tui_keys Escape
for pane in 1 2 3 4 5; do tui_keys "$pane"; tui_keys z; sleep 0.3; snap "pane$pane"; tui_keys z; done
tui_keys 1
tui_keys z
rows=$(tui_screen | grep -cE '^[│ ]*(up|down|degraded|unknown) ')
diag "health rows: $rows"
tui_keys g
for ((i = 0; i < rows; i++)); do
	tui_keys Enter
	wait_for 3 tui_has "Service: "
	snap "details-$i"
	tui_keys Escape
	tui_keys j
done
check "looked at the details of every health row ($rows)" test "$rows" -ge 12
check "the echo-ready row is there and its echo was seen" grep -qF "echo-ready" "$OUT/screen-start.plain"
tui_keys q
wait_for 5 tui_dead
cp "$TEST_TMP/tui-stderr.txt" "$OUT/tui-stderr.txt" 2>/dev/null
check "no secret on any screen or in the console's stderr" found "$OUT"
[ -f "$OUT/audit.log" ] && check "no secret in the audit log" found "$OUT/audit.log"
check "nothing ceres-top wrote anywhere in the test dir holds a secret" \
	found "$OUT" "$TEST_TMP/tui-stderr.txt"

finish
