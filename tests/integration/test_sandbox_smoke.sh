#!/usr/bin/env bash
# Smoke test of the local service sandbox (tests/sandbox/sandbox.sh).
#
# If SANDBOX_DIR is set and $SANDBOX_DIR/ports.env exists, the running sandbox
# there is checked and left running.  Otherwise a sandbox is started (in
# SANDBOX_DIR, or a temporary directory) on SANDBOX_PORT_BASE (default 23000),
# checked and stopped again.  SMOKE_SERVICES="..." chooses what to start
# (default: the sandbox default set).  Output: TAP.  Runs as root.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SANDBOX=$HERE/../sandbox/sandbox.sh
export SANDBOX_PORT_BASE=${SANDBOX_PORT_BASE:-23000}

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; [[ -n ${2:-} ]] && echo "#   $2"; }
check() {  # description command...
  local d=$1; shift
  local out
  if out=$("$@" 2>&1); then ok "$d"; else not_ok "$d" "$(head -c 300 <<< "$out" | tr '\n' ' ')"; fi
}
bail() { echo "Bail out! $*"; exit 1; }

owned_dir=0 started=0
if [[ -n ${SANDBOX_DIR:-} && -f $SANDBOX_DIR/ports.env ]]; then
  DIR=$SANDBOX_DIR
  echo "# using the running sandbox in $DIR"
else
  # shellcheck disable=SC2034  # owned_dir is read by the EXIT trap
  if [[ -n ${SANDBOX_DIR:-} ]]; then DIR=$SANDBOX_DIR; else DIR=$(mktemp -d /tmp/ceres-smoke.XXXXXX); owned_dir=1; fi
  echo "# starting a sandbox in $DIR (SANDBOX_PORT_BASE=$SANDBOX_PORT_BASE)"
  trap '"$SANDBOX" stop "$DIR" >/dev/null 2>&1; ((owned_dir)) && rm -rf "$DIR"' EXIT
  t0=${EPOCHREALTIME/./}
  # shellcheck disable=SC2086
  if ! "$SANDBOX" start "$DIR" ${SMOKE_SERVICES:-} 2> "$DIR.start.log"; then
    cat "$DIR.start.log" | sed 's/^/# /'
    rm -f "$DIR.start.log"
    bail "sandbox start failed"
  fi
  rm -f "$DIR.start.log"
  started=1
  echo "# start took $(( (${EPOCHREALTIME/./} - t0) / 1000 )) ms"
fi

# shellcheck disable=SC1091
. "$DIR/ports.env" || bail "cannot read $DIR/ports.env"
has() { [[ " $SANDBOX_SERVICES " == *" $1 "* ]]; }
U=http://127.0.0.1

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@"; }
expect_code() {  # want url [curl args]
  local want=$1 got; shift
  got=$(http_code "$@")
  [[ $got == "$want" ]] || { echo "HTTP $got, want $want: $*"; return 1; }
}
expect_body() {  # regex url [curl args]
  local re=$1 body; shift
  body=$(curl -sS --max-time 5 "$@") || return 1
  [[ $body =~ $re ]] || { echo "body did not match /$re/: ${body:0:200}"; return 1; }
}

# ---- files
check "ports.env has every port variable" bash -c '. "$1"; for v in PROM_PORT AM_PORT AM2_PORT NODE_PORT PG_PORT REDIS_PORT CADDY_ADMIN_PORT CADDY_HTTP_PORT REDMINE_PORT LOKI_PORT GITEA_PORT GRAFANA_PORT TEMPO_PORT WIKIJS_PORT KUMA_PORT NEXTCLOUD_PORT KEYCLOAK_PORT KEYCLOAK_HEALTH_PORT MATTERMOST_PORT WEBHOOK_PORT SANDBOX_DIR; do [[ -n ${!v:-} ]] || { echo "missing $v"; exit 1; }; done' _ "$DIR/ports.env"
check "config exists with mode 0600" test "$(stat -c %a "$DIR/config" 2>/dev/null)" = 600
check "config has [ceres] site = sandbox" grep -qx 'site = sandbox' "$DIR/config"
check "secrets are private" bash -c 'for f in "$1"/secrets/*; do [[ $(stat -c %a "$f") == 600 ]] || { echo "$f"; exit 1; }; done' _ "$DIR"

# ---- real services
has prometheus && check "prometheus /-/ready" expect_code 200 "$U:$PROM_PORT/-/ready"
has prometheus && check "prometheus has the sandbox rule" expect_body 'SandboxAlwaysFiring' "$U:$PROM_PORT/api/v1/rules"
has alertmanager && check "alertmanager /-/ready" expect_code 200 "$U:$AM_PORT/-/ready"
has alertmanager && check "alertmanager clustering disabled" expect_body '"status":"disabled"' "$U:$AM_PORT/api/v2/status"
has alertmanager2 && check "alertmanager2 /-/ready" expect_code 200 "$U:$AM2_PORT/-/ready"
has node && check "node-exporter /metrics" expect_body 'node_cpu_seconds_total' "$U:$NODE_PORT/metrics"
has postgres && check "postgres pg_isready" pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -t 3
if has postgres; then
  check "postgres: ceres_monitor is in pg_monitor, ceres_audit owned by ceres_top" bash -c '
    out=$(psql "hostaddr=127.0.0.1 port=$1 dbname=postgres user=ceres_monitor connect_timeout=3" -XAtc \
      "select pg_has_role(current_user, '"'"'pg_monitor'"'"', '"'"'member'"'"'), pg_get_userbyid(datdba) from pg_database where datname = '"'"'ceres_audit'"'"'")
    [[ $out == "t|ceres_top" ]] || { echo "got: $out"; exit 1; }' _ "$PG_PORT"
fi
has redis && check "redis PING" bash -c '[[ $(redis-cli -h 127.0.0.1 -p "$1" ping) == PONG ]]' _ "$REDIS_PORT"
has caddy && check "caddy admin /config/" expect_code 200 "$U:$CADDY_ADMIN_PORT/config/"
if has caddy && has prometheus; then
  check "caddy site proxies prometheus with gzip" bash -c '
    curl -s --max-time 5 -D - -o /dev/null -H "Accept-Encoding: gzip" "$1/api/v1/status/buildinfo" | grep -qi "^content-encoding: gzip"' _ "$U:$CADDY_HTTP_PORT"
fi
if has redmine; then
  check "redmine /projects.json with API key" expect_code 200 -H "X-Redmine-API-Key: $(cat "$DIR/secrets/redmine.key")" "$U:$REDMINE_PORT/projects.json"
  check "redmine without key is 401" expect_code 401 "$U:$REDMINE_PORT/projects.json"
fi

# ---- fakes
has grafana && check "grafana /api/health database ok" expect_body '"database": "ok"' "$U:$GRAFANA_PORT/api/health"
has tempo && check "tempo /ready" expect_body '^ready$' "$U:$TEMPO_PORT/ready"
has loki && check "loki /ready" expect_code 200 "$U:$LOKI_PORT/ready"
has loki && check "loki query_range returns streams" expect_body '"resultType": "streams"' -G "$U:$LOKI_PORT/loki/api/v1/query_range" --data-urlencode 'query={job=~".+"}' --data-urlencode limit=10
has gitea && check "gitea /api/healthz pass" expect_body '"status": "pass"' "$U:$GITEA_PORT/api/healthz"
has gitea && check "gitea feeds with token" expect_code 200 -H "Authorization: token $(cat "$DIR/secrets/gitea.token")" "$U:$GITEA_PORT/api/v1/repos/ceres/infra/activities/feeds"
has gitea && check "gitea hooks with wrong token is 401" expect_code 401 -H "Authorization: token nope" "$U:$GITEA_PORT/api/v1/repos/ceres/infra/hooks"
has wikijs && check "wikijs GET /" expect_code 200 "$U:$WIKIJS_PORT/"
has uptime_kuma && check "uptime kuma heartbeat page" expect_body '"heartbeatList": \{"1"' "$U:$KUMA_PORT/api/status-page/heartbeat/ceres"
has nextcloud && check "nextcloud /status.php" expect_body '"installed": true' "$U:$NEXTCLOUD_PORT/status.php"
has keycloak && check "keycloak discovery issuer" expect_body "\"issuer\": \"http://127.0.0.1:$KEYCLOAK_PORT/realms/ceres\"" "$U:$KEYCLOAK_PORT/realms/ceres/.well-known/openid-configuration"
has keycloak && check "keycloak health port /health/ready" expect_body '"status": "UP"' "$U:$KEYCLOAK_HEALTH_PORT/health/ready"
has mattermost && check "mattermost ping" expect_body '"status": "OK"' "$U:$MATTERMOST_PORT/api/v4/system/ping"
has mattermost && check "mattermost webhook answers ok" bash -c '
  [[ $(curl -s --max-time 5 -H "Content-Type: application/json" -d "{\"text\":\"smoke\"}" "$(cat "$1")") == ok ]]' _ "$DIR/secrets/mm-ops.url"
has webhook && check "webhook receiver records a POST" bash -c '
  curl -s --max-time 5 -d "{\"smoke\":1}" "$1/any/path" | grep -q "\"ok\": true" &&
  curl -s --max-time 5 "$1/__fake/requests" | grep -q "/any/path"' _ "$U:$WEBHOOK_PORT"

# ---- control API
if has grafana; then
  G=$U:$GRAFANA_PORT
  curl -s --max-time 5 -XPOST "$G/__fake/override" -d '{"path":"/api/health","status":503,"body":{"database":"failing"}}' >/dev/null
  check "override makes grafana /api/health answer 503" expect_code 503 "$G/api/health"
  curl -s --max-time 5 -XPOST "$G/__fake/reset" >/dev/null
  check "reset restores grafana /api/health 200" expect_code 200 "$G/api/health"
  check "fake recorded the requests" expect_body '"path": "/api/health"' "$G/__fake/requests"
fi

if ((started)); then
  all_ports=$(sed -n 's/^[A-Z0-9_]*_PORT=//p' "$DIR/ports.env")
  t0=${EPOCHREALTIME/./}
  if "$SANDBOX" stop "$DIR" 2>/dev/null; then ok "sandbox stop"; else not_ok "sandbox stop"; fi
  echo "# stop took $(( (${EPOCHREALTIME/./} - t0) / 1000 )) ms"
  check "nothing left listening on the sandbox ports" bash -c '
    for p in "$@"; do
      ss -Htln | awk "{print \$4}" | grep -q ":$p\$" && { echo "port $p"; exit 1; }
    done; exit 0' _ $all_ports
fi

echo "1..$n"
((failed == 0)) || { echo "# $failed of $n failed"; exit 1; }
