#!/usr/bin/env bash
# ceres-top local service sandbox: real Prometheus, Alertmanager, node-exporter,
# PostgreSQL, Redis, Caddy and (opt-in) Redmine, plus Python fakes for the
# services Debian does not package (tests/fakes/fakes.py).
#
#   sandbox.sh start DIR [SERVICE...]     start (default set, or the named ones, or "all")
#   sandbox.sh stop DIR                   stop everything this sandbox started
#   sandbox.sh stop-one DIR SERVICE       stop one service (config still points at it)
#   sandbox.sh restart-one DIR SERVICE    (re)start one service, wait until ready
#   sandbox.sh status DIR                 one line per service: up/down and pid
#   sandbox.sh services                   the names of every service ("all")
#
# SERVICES: prometheus alertmanager alertmanager2 node postgres redis caddy redmine
#   loki gitea grafana tempo wikijs uptime_kuma nextcloud keycloak mattermost webhook
# Default set = all but alertmanager2 and redmine; "all" = every service.
#
# Ports: without SANDBOX_PORT_BASE the Ceres standard local layout (DESIGN.md §3).
# With SANDBOX_PORT_BASE=N, ports N+0 ... N+19 in this fixed order:
#   +0 prometheus      +1 alertmanager   +2 alertmanager2   +3 node
#   +4 postgres        +5 redis          +6 caddy admin     +7 caddy http site
#   +8 redmine         +9 loki           +10 gitea          +11 grafana
#   +12 tempo          +13 wikijs        +14 uptime_kuma    +15 nextcloud
#   +16 keycloak       +17 keycloak health (management)     +18 mattermost
#   +19 webhook receiver
# Once DIR/ports.env exists and something in DIR runs, its ports are reused.
#
# Writes DIR/ports.env (shell-sourceable), DIR/config (ceres-top config, 0600),
# DIR/secrets/*, DIR/pids/<svc>.pid, DIR/logs/<svc>.log.
#
# Environment:
#   SANDBOX_PORT_BASE   see above
#   SANDBOX_RULES       Prometheus rule file template (default tests/sandbox/rules.yml)
#   SANDBOX_AM_CONFIG   Alertmanager config template (default tests/sandbox/alertmanager.yml)
#   SANDBOX_CADDYFILE   Caddyfile template (default tests/sandbox/Caddyfile.in)
#     Templates get @VAR@ substituted for every ports.env variable (@PROM_PORT@,
#     @WEBHOOK_PORT@, @SANDBOX_DIR@ ...) plus @ADMIN_PORT@/@HTTP_PORT@ (Caddy).
#     Rendered copies live in DIR; edit them and POST /-/reload to change a
#     running Prometheus / Alertmanager.
#   SANDBOX_TIMEOUT     readiness deadline per service, s (default 30; redmine 90)
#   SANDBOX_KEEP_ON_FAILURE=1   do not stop what a failed start had started
#   SANDBOX_PYTHON      interpreter for the fakes (default /usr/bin/python3)
#   SANDBOX_PROFILE=demo  Redmine is seeded with the demo's issues, not the tests'
#                       (tests/sandbox/redmine_seed.rb); the fakes are not affected
# Runs as root (PostgreSQL runs as user postgres; DIR is made traversable, 0711).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
FAKES=$ROOT/tests/fakes/fakes.py
PGBIN=${SANDBOX_PGBIN:-/usr/lib/postgresql/15/bin}
REDMINE_HOME=${SANDBOX_REDMINE_HOME:-/usr/share/redmine}
REDMINE_DB=${SANDBOX_REDMINE_DB:-/var/lib/dbconfig-common/sqlite3/redmine/instances/default/redmine_default}
if [[ -n ${SANDBOX_PYTHON:-} ]]; then PYTHON=$SANDBOX_PYTHON
elif [[ -x /usr/bin/python3 ]]; then PYTHON=/usr/bin/python3
else PYTHON=$(command -v python3); fi
TIMEOUT=${SANDBOX_TIMEOUT:-30}
REDMINE_TIMEOUT=${SANDBOX_REDMINE_TIMEOUT:-90}
GRACE=10   # seconds between TERM and KILL

ALL_SERVICES=(prometheus alertmanager alertmanager2 node postgres redis caddy redmine
              loki gitea grafana tempo wikijs uptime_kuma nextcloud keycloak mattermost webhook)
OPT_IN=" alertmanager2 redmine "
PORT_VARS=(PROM_PORT AM_PORT AM2_PORT NODE_PORT PG_PORT REDIS_PORT CADDY_ADMIN_PORT
           CADDY_HTTP_PORT REDMINE_PORT LOKI_PORT GITEA_PORT GRAFANA_PORT TEMPO_PORT
           WIKIJS_PORT KUMA_PORT NEXTCLOUD_PORT KEYCLOAK_PORT KEYCLOAK_HEALTH_PORT
           MATTERMOST_PORT WEBHOOK_PORT)
DEFAULT_PORTS=(9090 9093 9094 9100 5432 6379 2019 8088 3002 3100 3001 3000 3200
               3003 3004 8080 8081 9000 8065 8099)
declare -A FAKE_KIND=([loki]=loki [gitea]=gitea [grafana]=grafana [tempo]=tempo
  [wikijs]=wikijs [uptime_kuma]=uptime_kuma [nextcloud]=nextcloud [keycloak]=keycloak
  [mattermost]=mattermost [webhook]=webhook)

die() { echo "sandbox: $*" >&2; exit 1; }
log() { echo "sandbox: $*" >&2; }
usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
now() { echo "${EPOCHREALTIME/./}"; }   # microseconds

is_service() { local s; for s in "${ALL_SERVICES[@]}"; do [[ $s == "$1" ]] && return 0; done; return 1; }

# ---------------------------------------------------------------- ports ----
compute_ports() {
  local i
  if [[ -n ${SANDBOX_PORT_BASE:-} ]]; then
    [[ $SANDBOX_PORT_BASE =~ ^[0-9]+$ ]] && (( SANDBOX_PORT_BASE >= 1024 && SANDBOX_PORT_BASE <= 65515 )) \
      || die "SANDBOX_PORT_BASE must be a number in 1024..65515"
    for i in "${!PORT_VARS[@]}"; do printf -v "${PORT_VARS[$i]}" %d $((SANDBOX_PORT_BASE + i)); done
  else
    for i in "${!PORT_VARS[@]}"; do printf -v "${PORT_VARS[$i]}" %d "${DEFAULT_PORTS[$i]}"; done
  fi
}

port_of() {  # service -> its main port
  case $1 in
    prometheus) echo "$PROM_PORT";; alertmanager) echo "$AM_PORT";; alertmanager2) echo "$AM2_PORT";;
    node) echo "$NODE_PORT";; postgres) echo "$PG_PORT";; redis) echo "$REDIS_PORT";;
    caddy) echo "$CADDY_ADMIN_PORT $CADDY_HTTP_PORT";; redmine) echo "$REDMINE_PORT";;
    loki) echo "$LOKI_PORT";; gitea) echo "$GITEA_PORT";; grafana) echo "$GRAFANA_PORT";;
    tempo) echo "$TEMPO_PORT";; wikijs) echo "$WIKIJS_PORT";; uptime_kuma) echo "$KUMA_PORT";;
    nextcloud) echo "$NEXTCLOUD_PORT";; keycloak) echo "$KEYCLOAK_PORT $KEYCLOAK_HEALTH_PORT";;
    mattermost) echo "$MATTERMOST_PORT";; webhook) echo "$WEBHOOK_PORT";;
  esac
}

write_ports_env() {
  local v tmp=$DIR/.ports.env.$$
  {
    echo "# written by tests/sandbox/sandbox.sh"
    printf 'SANDBOX_DIR=%q\n' "$DIR"
    echo "SANDBOX_PORT_BASE=${SANDBOX_PORT_BASE:-}"
    printf 'SANDBOX_SERVICES=%q\n' "$(tr '\n' ' ' < "$DIR/services" 2>/dev/null | sed 's/ $//')"
    for v in "${PORT_VARS[@]}"; do echo "$v=${!v}"; done
  } > "$tmp"
  mv -f "$tmp" "$DIR/ports.env"
}

# ------------------------------------------------------------- processes ----
# We only ever signal a pid that provably is the process we started: its
# kernel start time equals the one recorded at launch in DIR/pids/.<svc>.start
# (pid reuse changes it), or, lacking that file, its environment carries
# CERES_SANDBOX_ID=DIR/svc (set on everything we launch).
starttime() {  # pid -> start time in clock ticks since boot ("" if gone/zombie)
  local st
  st=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  st=${st##*) }            # fields after "pid (comm) "
  set -- $st
  [[ $1 == Z ]] || echo "${20}"
}
owned() {  # pid svc
  local pid=$1 st rec
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  st=$(starttime "$pid"); [[ -n $st ]] || return 1
  if [[ -f $DIR/pids/.$2.start ]]; then
    rec=$(cat "$DIR/pids/.$2.start" 2>/dev/null)
    [[ $rec == "$st" ]]
  else
    tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qxF -- "CERES_SANDBOX_ID=$DIR/$2"
  fi
}
record_pid() {  # svc pid
  echo "$2" > "$DIR/pids/$1.pid"
  starttime "$2" > "$DIR/pids/.$1.start"
}
pid_of() { cat "$DIR/pids/$1.pid" 2>/dev/null || true; }
running() { local p; p=$(pid_of "$1"); [[ -n $p ]] && owned "$p" "$1"; }

launch() {  # svc cmd... : background, own session, output to the log
  local svc=$1; shift
  printf '=== %s sandbox start: %s\n' "$(date -Is)" "$*" >> "$DIR/logs/$svc.log"
  CERES_SANDBOX_ID="$DIR/$svc" setsid "$@" < /dev/null >> "$DIR/logs/$svc.log" 2>&1 &
  record_pid "$svc" $!
}

signal_svc() {  # sig svc : signal the process group (session) of an owned pid
  local pid; pid=$(pid_of "$2")
  owned "$pid" "$2" || return 0
  if [[ $(ps -o pgid= -p "$pid" | tr -d ' ') == "$pid" ]]; then
    kill -"$1" -- "-$pid" 2>/dev/null || true
  else
    kill -"$1" "$pid" 2>/dev/null || true
  fi
}

stop_services() {  # svc... : TERM all, wait, KILL leftovers (postgres: pg_ctl)
  local s t0 left=()
  for s in "$@"; do
    if [[ $s == postgres ]]; then stop_postgres; continue; fi
    if [[ $s == redmine ]] && running redmine-seed; then signal_svc TERM redmine-seed; left+=(redmine-seed); fi
    if running "$s"; then signal_svc TERM "$s"; left+=("$s"); else rm -f "$DIR/pids/$s.pid" "$DIR/pids/.$s.start"; fi
  done
  t0=$(now)
  while ((${#left[@]})); do
    local next=()
    for s in "${left[@]}"; do running "$s" && next+=("$s"); done
    left=("${next[@]+"${next[@]}"}")
    ((${#left[@]})) || break
    if (( $(now) - t0 > GRACE * 1000000 )); then
      for s in "${left[@]}"; do log "$s did not stop after ${GRACE}s, sending KILL"; signal_svc KILL "$s"; done
      sleep 0.2
      break
    fi
    sleep 0.05
  done
  for s in "$@" redmine-seed; do running "$s" || rm -f "$DIR/pids/$s.pid" "$DIR/pids/.$s.start"; done
}

# ------------------------------------------------------------- templates ----
render() {  # template out [extra sed args...]
  local tpl=$1 out=$2 v args=(); shift 2
  [[ -r $tpl ]] || die "template $tpl not readable"
  for v in "${PORT_VARS[@]}"; do args+=(-e "s|@$v@|${!v}|g"); done
  args+=(-e "s|@SANDBOX_DIR@|$DIR|g" "$@")
  sed "${args[@]}" "$tpl" > "$out.tmp.$$"
  mv -f "$out.tmp.$$" "$out"
}

in_list() { grep -qxF -- "$1" "$DIR/services" 2>/dev/null; }

render_prometheus() {
  local am="" rules=${SANDBOX_RULES:-$HERE/rules.yml}
  in_list alertmanager && am+="'127.0.0.1:$AM_PORT', "
  in_list alertmanager2 && am+="'127.0.0.1:$AM2_PORT', "
  render "$rules" "$DIR/prometheus/rules.yml"
  {
    echo "# generated by tests/sandbox/sandbox.sh"
    echo "global:"
    echo "  scrape_interval: 2s"
    echo "  scrape_timeout: 2s"
    echo "  evaluation_interval: 1s"
    echo "  external_labels: {site: sandbox}"
    echo "rule_files: ['$DIR/prometheus/rules.yml']"
    if [[ -n $am ]]; then
      echo "alerting:"
      echo "  alertmanagers:"
      echo "    - static_configs: [{targets: [${am%, }]}]"
    fi
    echo "scrape_configs:"
    echo "  - job_name: prometheus"
    echo "    static_configs: [{targets: ['127.0.0.1:$PROM_PORT']}]"
    echo "  - job_name: node"
    echo "    static_configs: [{targets: ['127.0.0.1:$NODE_PORT']}]"
  } > "$DIR/prometheus/prometheus.yml.tmp"
  mv -f "$DIR/prometheus/prometheus.yml.tmp" "$DIR/prometheus/prometheus.yml"
}

# ---------------------------------------------------------------- starts ----
start_prometheus() {
  mkdir -p "$DIR/prometheus/data"
  render_prometheus
  launch prometheus prometheus --config.file="$DIR/prometheus/prometheus.yml" \
    --storage.tsdb.path="$DIR/prometheus/data" --storage.tsdb.retention.time=1d \
    --web.listen-address="127.0.0.1:$PROM_PORT" --web.external-url="http://127.0.0.1:$PROM_PORT/" \
    --web.enable-lifecycle --rules.alert.resend-delay=1s
}

start_am() {  # svc port
  mkdir -p "$DIR/$1/data" "$DIR/alertmanager"
  render "${SANDBOX_AM_CONFIG:-$HERE/alertmanager.yml}" "$DIR/alertmanager/alertmanager.yml"
  launch "$1" prometheus-alertmanager --config.file="$DIR/alertmanager/alertmanager.yml" \
    --storage.path="$DIR/$1/data" --web.listen-address="127.0.0.1:$2" \
    --web.external-url="http://127.0.0.1:$2/" --cluster.listen-address=
}

start_node() {
  # DIR/node/textfile/*.prom: metrics a test or the demo sets (textfile collector)
  mkdir -p "$DIR/node/textfile"
  launch node prometheus-node-exporter --web.listen-address="127.0.0.1:$NODE_PORT" \
    --collector.textfile.directory="$DIR/node/textfile"
}

start_redis() {
  mkdir -p "$DIR/redis"
  launch redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$DIR/redis" \
    --save '' --appendonly no --daemonize no --logfile '' --unixsocket '' --protected-mode yes
}

start_caddy() {
  mkdir -p "$DIR/caddy/data" "$DIR/caddy/config"
  render "${SANDBOX_CADDYFILE:-$HERE/Caddyfile.in}" "$DIR/caddy/Caddyfile" \
    -e "s|@ADMIN_PORT@|$CADDY_ADMIN_PORT|g" -e "s|@HTTP_PORT@|$CADDY_HTTP_PORT|g"
  XDG_DATA_HOME=$DIR/caddy/data XDG_CONFIG_HOME=$DIR/caddy/config HOME=$DIR/caddy \
    launch caddy caddy run --config "$DIR/caddy/Caddyfile" --adapter caddyfile
}

start_fake() {  # svc
  local svc=$1 kind=${FAKE_KIND[$1]} port2=()
  mkdir -p "$DIR/fakes/$svc"
  case $svc in
    keycloak) port2=(--port2 "$KEYCLOAK_HEALTH_PORT");;
    gitea) install -m 600 "$DIR/secrets/gitea.token" "$DIR/fakes/gitea/token";;
    mattermost) sed -n 's|.*/hooks/||p' "$DIR/secrets/mm-ops.url" > "$DIR/fakes/mattermost/hooks";;
  esac
  launch "$svc" "$PYTHON" -u "$FAKES" --kind "$kind" --port "$(port_of "$svc" | cut -d' ' -f1)" \
    "${port2[@]+"${port2[@]}"}" --state "$DIR/fakes/$svc"
}

start_redmine() {
  mkdir -p "$DIR/redmine"
  [[ -d $REDMINE_HOME ]] || die "redmine: $REDMINE_HOME missing (apt-get install redmine redmine-sqlite thin)"
  if [[ ! -s $DIR/redmine/redmine.sqlite3 ]]; then
    [[ -r $REDMINE_DB ]] || die "redmine: pristine database $REDMINE_DB missing"
    cp "$REDMINE_DB" "$DIR/redmine/redmine.sqlite3"
    rm -f "$DIR/redmine/seed.rc" "$DIR/secrets/redmine.key"
  fi
  local env=(env -C "$REDMINE_HOME" RAILS_ENV=production RAILS_LOG_TO_STDOUT=1
             "DATABASE_URL=sqlite3:$DIR/redmine/redmine.sqlite3")
  # The seed runs in parallel with the server boot (settings are re-read per request).
  if [[ ! -s $DIR/secrets/redmine.key || ! -f $DIR/redmine/seed.rc ]]; then
    rm -f "$DIR/redmine/seed.rc"
    launch redmine-seed "${env[@]}" "SEED_KEY_FILE=$DIR/secrets/redmine.key" \
      sh -c 'ruby bin/rails runner "$1"; echo $? > "$2"' sh "$HERE/redmine_seed.rb" "$DIR/redmine/seed.rc"
  fi
  launch redmine "${env[@]}" ruby bin/rails server -b 127.0.0.1 -p "$REDMINE_PORT" -P "$DIR/redmine/server.pid"
}

pg() { runuser -u postgres -- "$@"; }
psql_pg() { pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR/postgres" -p "$PG_PORT" -d postgres "$@"; }

start_postgres() {
  local data=$DIR/postgres/data
  mkdir -p "$DIR/postgres"
  chown postgres: "$DIR/postgres"
  touch "$DIR/logs/postgres.log"; chown postgres: "$DIR/logs/postgres.log"
  pg test -x "$DIR/postgres" || die "postgres: user postgres cannot reach $DIR (make its parents traversable)"
  if [[ ! -f $data/PG_VERSION ]]; then
    pg "$PGBIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
      >> "$DIR/logs/postgres.log" 2>&1 || { tail -20 "$DIR/logs/postgres.log" >&2; die "postgres: initdb failed"; }
  fi
  CERES_SANDBOX_ID="$DIR/postgres" pg "$PGBIN/pg_ctl" -D "$data" -l "$DIR/logs/postgres.log" -w -t "$TIMEOUT" \
    -o "-p $PG_PORT -k $DIR/postgres -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start > /dev/null 2>> "$DIR/logs/postgres.log" \
    || { tail -20 "$DIR/logs/postgres.log" >&2; die "postgres: pg_ctl start failed"; }
  record_pid postgres "$(head -1 "$data/postmaster.pid")"
  psql_pg <<'SQL' >> "$DIR/logs/postgres.log" 2>&1 || die "postgres: role setup failed (see $DIR/logs/postgres.log)"
DO $$BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ceres_monitor') THEN CREATE ROLE ceres_monitor LOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ceres_top') THEN CREATE ROLE ceres_top LOGIN; END IF;
END$$;
GRANT pg_monitor TO ceres_monitor;
SQL
  if [[ -z $(psql_pg -Atc "SELECT 1 FROM pg_database WHERE datname = 'ceres_audit'") ]]; then
    psql_pg -c "CREATE DATABASE ceres_audit OWNER ceres_top" >> "$DIR/logs/postgres.log" 2>&1 \
      || die "postgres: CREATE DATABASE failed"
  fi
}

stop_postgres() {
  local data=$DIR/postgres/data
  if [[ -f $data/postmaster.pid ]] && running postgres; then
    pg "$PGBIN/pg_ctl" -D "$data" -m fast -w -t "$GRACE" stop >/dev/null 2>>"$DIR/logs/postgres.log" \
      || { log "postgres: fast stop failed, sending KILL"; signal_svc KILL postgres; }
  fi
  rm -f "$DIR/pids/postgres.pid" "$DIR/pids/.postgres.start"
}

start_service() {
  case $1 in
    prometheus) start_prometheus;;
    alertmanager) start_am alertmanager "$AM_PORT";;
    alertmanager2) start_am alertmanager2 "$AM2_PORT";;
    node) start_node;;
    redis) start_redis;;
    caddy) start_caddy;;
    postgres) start_postgres;;
    redmine) start_redmine;;
    *) start_fake "$1";;
  esac
}

# ------------------------------------------------------------- readiness ----
http_ok() { curl -fsS -o /dev/null --max-time 1 "$@" 2>/dev/null || return 1; }
http_any() { [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$1" 2>/dev/null) != 000 ]]; }

probe() {
  case $1 in
    prometheus) http_ok "http://127.0.0.1:$PROM_PORT/-/ready";;
    alertmanager) http_ok "http://127.0.0.1:$AM_PORT/-/ready";;
    alertmanager2) http_ok "http://127.0.0.1:$AM2_PORT/-/ready";;
    node) http_ok "http://127.0.0.1:$NODE_PORT/metrics";;
    postgres) pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -t 1 || return 1;;
    redis) [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]];;
    caddy) http_ok "http://127.0.0.1:$CADDY_ADMIN_PORT/config/" && http_any "http://127.0.0.1:$CADDY_HTTP_PORT/";;
    redmine)
      [[ -f $DIR/redmine/seed.rc ]] || return 1
      [[ $(cat "$DIR/redmine/seed.rc") == 0 ]] || return 2
      http_ok -H "X-Redmine-API-Key: $(cat "$DIR/secrets/redmine.key")" "http://127.0.0.1:$REDMINE_PORT/projects.json";;
    keycloak) http_ok "http://127.0.0.1:$KEYCLOAK_PORT/__fake/ping" && http_ok "http://127.0.0.1:$KEYCLOAK_HEALTH_PORT/__fake/ping";;
    *) http_ok "http://127.0.0.1:$(port_of "$1")/__fake/ping";;
  esac
}

fail_service() {  # svc reason
  log "$1 failed: $2"
  local f
  for f in "$DIR/logs/$1.log" ${3:+"$DIR/logs/$3.log"}; do
    [[ -f $f ]] || continue
    echo "----- tail of $f" >&2
    tail -n 25 "$f" >&2
  done
  echo "-----" >&2
}

wait_ready() {  # svc... ; returns 1 on the first failure
  local pending=("$@") t0 s rc
  t0=$(now)
  while ((${#pending[@]})); do
    local next=()
    for s in "${pending[@]}"; do
      rc=0; probe "$s" || rc=$?
      if ((rc == 0)); then
        READY_MS[$s]=$(( ($(now) - t0) / 1000 ))
        continue
      fi
      if ((rc == 2)); then fail_service "$s" "seed script failed" redmine-seed; return 1; fi
      if ! running "$s"; then fail_service "$s" "process exited" "$([[ $s == redmine ]] && echo redmine-seed)"; return 1; fi
      local lim=$TIMEOUT; [[ $s == redmine ]] && lim=$REDMINE_TIMEOUT
      if (( $(now) - t0 > lim * 1000000 )); then fail_service "$s" "not ready after ${lim}s" "$([[ $s == redmine ]] && echo redmine-seed)"; return 1; fi
      next+=("$s")
    done
    pending=("${next[@]+"${next[@]}"}")
    ((${#pending[@]})) && sleep 0.05
  done
  return 0
}

# --------------------------------------------------------------- secrets ----
rand_hex() { local h; h=$(od -An -tx1 -N"$(( ($1 + 1) / 2 ))" /dev/urandom | tr -d ' \n'); echo "${h:0:$1}"; }

make_secrets() {
  mkdir -p "$DIR/secrets"; chmod 700 "$DIR/secrets"
  local old; old=$(umask); umask 077
  [[ -s $DIR/secrets/gitea.token ]] || rand_hex 40 > "$DIR/secrets/gitea.token"
  local key
  if [[ -s $DIR/secrets/mm-ops.url ]]; then key=$(sed -n 's|.*/hooks/||p' "$DIR/secrets/mm-ops.url")
  else key=$(rand_hex 26); fi
  echo "http://127.0.0.1:$MATTERMOST_PORT/hooks/$key" > "$DIR/secrets/mm-ops.url"
  umask "$old"
}

# ---------------------------------------------------------------- config ----
write_config() {
  local tmp=$DIR/.config.$$ am
  local old; old=$(umask); umask 077
  {
    echo "; ceres-top config for the sandbox in $DIR (generated by tests/sandbox/sandbox.sh)"
    echo "[ceres]"
    echo "site = sandbox"
    echo "interval = 2"
    echo "timeout = 3"
    echo "audit_log = $DIR/audit.log"
    if in_list prometheus; then echo; echo "[prometheus]"; echo "url = http://127.0.0.1:$PROM_PORT"; fi
    am=""
    in_list alertmanager && am+=" http://127.0.0.1:$AM_PORT"
    in_list alertmanager2 && am+=" http://127.0.0.1:$AM2_PORT"
    if [[ -n $am ]]; then echo; echo "[alertmanager]"; echo "url =$am"; fi
    if in_list loki; then
      echo; echo "[loki]"; echo "url = http://127.0.0.1:$LOKI_PORT"; echo 'query = {job=~".+"}'
    fi
    if in_list gitea; then
      echo; echo "[gitea]"; echo "url = http://127.0.0.1:$GITEA_PORT"
      echo "repos = ceres/infra ceres/app"; echo "token_file = $DIR/secrets/gitea.token"
    fi
    if in_list redmine; then
      echo; echo "[redmine]"; echo "url = http://127.0.0.1:$REDMINE_PORT"
      echo "api_key_file = $DIR/secrets/redmine.key"
    fi
    if in_list postgres; then
      echo; echo "[postgres]"
      echo "conninfo = hostaddr=127.0.0.1 port=$PG_PORT dbname=postgres user=ceres_monitor connect_timeout=3"
    fi
    if in_list redis; then echo; echo "[redis]"; echo "address = 127.0.0.1:$REDIS_PORT"; fi
    if in_list keycloak; then
      echo; echo "[keycloak]"; echo "url = http://127.0.0.1:$KEYCLOAK_PORT"; echo "realm = ceres"
      echo "health_url = http://127.0.0.1:$KEYCLOAK_HEALTH_PORT"
    fi
    if in_list caddy; then echo; echo "[caddy]"; echo "admin_url = http://127.0.0.1:$CADDY_ADMIN_PORT"; fi
    if in_list uptime_kuma; then
      echo; echo "[uptime_kuma]"; echo "url = http://127.0.0.1:$KUMA_PORT"; echo "status_page = ceres"
    fi
    if in_list tempo; then echo; echo "[tempo]"; echo "url = http://127.0.0.1:$TEMPO_PORT"; fi
    local s
    for s in grafana:GRAFANA_PORT wikijs:WIKIJS_PORT nextcloud:NEXTCLOUD_PORT mattermost:MATTERMOST_PORT node:NODE_PORT; do
      local name=${s%%:*} var=${s#*:}
      if in_list "$name"; then
        echo; echo "[service \"$name\"]"; echo "kind = $name"; echo "url = http://127.0.0.1:${!var}"
      fi
    done
    if in_list mattermost; then
      echo; echo '[webhook "mattermost-ops"]'; echo "kind = mattermost"; echo "url_file = $DIR/secrets/mm-ops.url"
    fi
  } > "$tmp"
  chmod 600 "$tmp"
  mv -f "$tmp" "$DIR/config"
  umask "$old"
}

# -------------------------------------------------------------- commands ----
setup_dir() {
  mkdir -p "$DIR"
  DIR=$(cd "$DIR" && pwd -P)
  chmod 711 "$DIR"   # postgres must traverse it; secrets/ stays 0700
  mkdir -p "$DIR/pids" "$DIR/logs"
}

any_running() { local s; for s in "${ALL_SERVICES[@]}"; do running "$s" && return 0; done; return 1; }

load_ports() {  # $1=reuse: always reuse DIR/ports.env when it exists
  compute_ports
  [[ -f $DIR/ports.env ]] || return 0
  if [[ ${1:-} == reuse ]] || any_running; then
    local v val
    for v in "${PORT_VARS[@]}"; do
      val=$(sed -n "s/^$v=//p" "$DIR/ports.env")
      [[ -n $val ]] && printf -v "$v" %s "$val"
    done
    SANDBOX_PORT_BASE=$(sed -n "s/^SANDBOX_PORT_BASE=//p" "$DIR/ports.env")
  fi
}

check_ports_free() {  # svc...
  local listening s p
  listening=$(ss -Htln 2>/dev/null | awk '{print $4}')
  for s in "$@"; do
    for p in $(port_of "$s"); do
      if grep -qE "[:.]$p\$" <<< "$listening"; then
        die "port $p for $s is already in use (another sandbox on the same SANDBOX_PORT_BASE?)"
      fi
    done
  done
}

declare -A READY_MS=()
STARTED_NOW=()

on_start_exit() {
  (($1 != 0)) || return 0
  if [[ ${SANDBOX_KEEP_ON_FAILURE:-} == 1 ]]; then
    log "SANDBOX_KEEP_ON_FAILURE=1: leaving started services running; use: $0 stop $DIR"
  elif ((${#STARTED_NOW[@]})); then
    log "stopping what this start launched: ${STARTED_NOW[*]}"
    stop_services "${STARTED_NOW[@]}"
  fi
  # nothing of this sandbox left running: do not leave a ports.env that says otherwise
  any_running || rm -f "$DIR/ports.env" "$DIR/services"
}

do_start() {  # services...
  local s todo=() t0; t0=$(now)
  [[ -n ${PROM_PORT:-} ]] || load_ports
  trap 'on_start_exit $?' EXIT
  touch "$DIR/services"
  for s in "$@"; do in_list "$s" || echo "$s" >> "$DIR/services"; done
  write_ports_env
  make_secrets
  for s in "$@"; do
    if running "$s"; then log "$s already running (pid $(pid_of "$s"))"; else todo+=("$s"); fi
  done
  check_ports_free "${todo[@]+"${todo[@]}"}"
  # slow redmine first, synchronous postgres last so it overlaps with the others' boot
  local order=()
  [[ " ${todo[*]-} " == *" redmine "* ]] && order+=(redmine)
  for s in "${todo[@]+"${todo[@]}"}"; do [[ $s == redmine || $s == postgres ]] || order+=("$s"); done
  [[ " ${todo[*]-} " == *" postgres "* ]] && order+=(postgres)
  for s in "${order[@]+"${order[@]}"}"; do STARTED_NOW+=("$s"); start_service "$s"; done
  wait_ready "$@" || exit 1
  # alertmanager2 joined a Prometheus that was already running: reload it
  if [[ " ${todo[*]-} " == *" alertmanager"* ]] && running prometheus && [[ " ${todo[*]-} " != *" prometheus "* ]]; then
    render_prometheus
    curl -fsS -XPOST --max-time 3 "http://127.0.0.1:$PROM_PORT/-/reload" >/dev/null || log "prometheus reload failed"
  fi
  write_config
  trap - EXIT
  local msg=""
  for s in "$@"; do msg+=" $s:${READY_MS[$s]:-0}ms"; done
  log "ready in $(( ($(now) - t0) / 1000 ))ms:$msg"
  log "config: $DIR/config  ports: $DIR/ports.env"
}

do_stop() {  # services... (reverse order)
  local rev=() i
  for ((i = $# ; i >= 1 ; i--)); do rev+=("${!i}"); done
  stop_services "${rev[@]}"
}

if [[ ${1:-} == services ]]; then echo "${ALL_SERVICES[*]}"; exit 0; fi
cmd=${1:-}; [[ -n $cmd && -n ${2:-} ]] || usage
DIR=$2; shift 2
[[ $(id -u) == 0 ]] || die "must run as root (PostgreSQL is started via runuser -u postgres)"

case $cmd in
  start)
    services=()
    if (($# == 0)); then
      for s in "${ALL_SERVICES[@]}"; do [[ $OPT_IN == *" $s "* ]] || services+=("$s"); done
    else
      for s in "$@"; do
        if [[ $s == all ]]; then services+=("${ALL_SERVICES[@]}"); continue; fi
        is_service "$s" || die "unknown service '$s' (known: ${ALL_SERVICES[*]} all)"
        services+=("$s")
      done
    fi
    # dedupe, canonical order
    uniq=()
    for s in "${ALL_SERVICES[@]}"; do [[ " ${services[*]} " == *" $s "* ]] && uniq+=("$s"); done
    setup_dir
    do_start "${uniq[@]}"
    ;;
  stop)
    (($# == 0)) || usage
    [[ -d $DIR ]] || exit 0
    DIR=$(cd "$DIR" && pwd -P)
    [[ -d $DIR/pids ]] || exit 0
    t0=$(now)
    do_stop "${ALL_SERVICES[@]}"
    rm -f "$DIR/services" "$DIR/ports.env"
    log "stopped in $(( ($(now) - t0) / 1000 ))ms"
    ;;
  stop-one)
    (($# == 1)) || usage
    is_service "$1" || die "unknown service '$1'"
    [[ -d $DIR/pids ]] || exit 0
    DIR=$(cd "$DIR" && pwd -P)
    load_ports reuse
    stop_services "$1"
    ;;
  restart-one)
    (($# == 1)) || usage
    is_service "$1" || die "unknown service '$1'"
    setup_dir
    load_ports reuse
    stop_services "$1"
    do_start "$1"
    ;;
  status)
    [[ -d $DIR/pids ]] || exit 0
    DIR=$(cd "$DIR" && pwd -P)
    for s in "${ALL_SERVICES[@]}"; do
      if running "$s"; then echo "$s up $(pid_of "$s")"
      elif in_list "$s"; then echo "$s down"; fi
    done
    ;;
  *) usage;;
esac
