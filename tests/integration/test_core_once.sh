#!/bin/bash
# --once against the real sandbox: per-service state in JSON, text and
# nagios formats, exit codes 0/1/2/3/64, a stopped service reported down,
# --timeout bounding a backend that never answers.
. "$(dirname "$0")/../lib/common.sh"
sandbox_env
CFG=$SANDBOX_DIR/config
J=$TEST_TMP/once.json

# Health only: the exit code must come from the services alone.
"$CERES_TOP" -c "$CFG" --once --format json --panes health > "$J" 2> "$TEST_TMP/err"
rc=$?
check "--once json exits 0 with every service up (got $rc)" [ "$rc" -eq 0 ]
check "JSON parses and has the snapshot keys" \
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert all(k in j for k in ("site","generated_at","status","services","sources")), j.keys()' "$J"
check "site is the config's" [ "$(json_get "$J" 'j["site"]')" = sandbox ]
check "status ok" [ "$(json_get "$J" 'j["status"]')" = ok ]
for svc in prometheus postgres redis caddy node grafana loki tempo gitea redmine keycloak mattermost nextcloud wikijs uptime_kuma; do
	st=$(json_get "$J" "[s['status'] for s in j['services'] if s['name']=='$svc'][0]" 2>/dev/null)
	check "service $svc is up (got '$st')" [ "$st" = up ]
done
check "postgres detail has connections used/max" \
	python3 -c 'import json,sys,re; j=json.load(open(sys.argv[1])); d=[s for s in j["services"] if s["name"]=="postgres"][0]["detail"]; assert re.search(r"pg 15\.\d+: \d+/\d+ conns, primary", d), d' "$J"
check "redis detail has role master" \
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); d=[s for s in j["services"] if s["name"]=="redis"][0]["detail"]; assert "master" in d, d' "$J"
check "both alertmanager peers have a row" \
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); n=[s for s in j["services"] if s["kind"]=="alertmanager" and s["status"]=="up"]; assert len(n)==2, n' "$J"
check "every service has a numeric latency" \
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); bad=[s["name"] for s in j["services"] if s.get("parent") is None and not isinstance(s["latency_ms"],(int,float))]; assert not bad, bad' "$J"
check "every source ok with error null" \
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); bad=[s for s in j["sources"] if not s["ok"] or s["error"] is not None]; assert not bad, bad' "$J"
check "nothing on stderr" [ ! -s "$TEST_TMP/err" ]

# Prometheus targets appear as rows once discovered (service discovery ~5 s).
targets_up() {
	"$CERES_TOP" -c "$CFG" --once --format json --panes health > "$TEST_TMP/t.json" &&
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); t=[s for s in j["services"] if s["kind"]=="target" and s["status"]=="up"]; assert len(t)>=2' "$TEST_TMP/t.json"
}
check "prometheus targets (self, node) are rows, up" wait_for 30 targets_up

# Text: plain, aligned, no escape codes when stdout is not a terminal.
"$CERES_TOP" -c "$CFG" --once --panes health > "$TEST_TMP/once.txt"
check "text output names every service" grep -q "postgres" "$TEST_TMP/once.txt"
check "text output has no control characters" bash -c "! LC_ALL=C grep -q \$'[\x01-\x08\x0b-\x1f\x7f]' '$TEST_TMP/once.txt'"
check "text header has the site and status" grep -qE "^ceres-top sandbox .* status: ok" "$TEST_TMP/once.txt"

# Nagios: one line with perfdata.
"$CERES_TOP" -c "$CFG" --once --format nagios --panes health > "$TEST_TMP/nagios.txt"
check "nagios line" grep -qE '^CERES OK - .* \| services_up=[0-9]+;;;0;[0-9]+ ' "$TEST_TMP/nagios.txt"
check "nagios is one line" [ "$(wc -l < "$TEST_TMP/nagios.txt")" -eq 1 ]

# A stopped service is reported down with exit code 2.
"$TESTS_DIR/sandbox/sandbox.sh" stop-one "$SANDBOX_DIR" redis >/dev/null
"$CERES_TOP" -c "$CFG" --once --format json --panes health > "$J"
rc=$?
check "redis stopped: exit code 2 (got $rc)" [ "$rc" -eq 2 ]
check "redis reported down" [ "$(json_get "$J" "[s['status'] for s in j['services'] if s['name']=='redis'][0]")" = down ]
check "redis source has an error" python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); s=[s for s in j["sources"] if s["name"]=="redis"][0]; assert not s["ok"] and s["error"], s' "$J"
check "others still up" [ "$(json_get "$J" "[s['status'] for s in j['services'] if s['name']=='postgres'][0]")" = up ]
"$CERES_TOP" -c "$CFG" --once --format nagios --panes health > "$TEST_TMP/nagios.txt"
check "nagios says CRITICAL - 1 down" grep -q '^CERES CRITICAL - 1 down' "$TEST_TMP/nagios.txt"
"$TESTS_DIR/sandbox/sandbox.sh" restart-one "$SANDBOX_DIR" redis >/dev/null
check "redis back up" wait_for 10 redis-cli -p "$REDIS_PORT" ping

"$TESTS_DIR/sandbox/sandbox.sh" stop-one "$SANDBOX_DIR" postgres >/dev/null
"$CERES_TOP" -c "$CFG" --once --format json --panes health > "$J"
rc=$?
check "postgres stopped: exit 2 (got $rc)" [ "$rc" -eq 2 ]
check "postgres reported down" [ "$(json_get "$J" "[s['status'] for s in j['services'] if s['name']=='postgres'][0]")" = down ]
"$TESTS_DIR/sandbox/sandbox.sh" restart-one "$SANDBOX_DIR" postgres >/dev/null
check "postgres back up" wait_for 15 pg_isready -q -h 127.0.0.1 -p "$PG_PORT"

# A degraded service (Grafana database failing) gives WARNING, exit 1.
curl -s -XPOST "127.0.0.1:$GRAFANA_PORT/__fake/state" -d '{"database":"failing"}' >/dev/null
"$CERES_TOP" -c "$CFG" --once --format json --panes health > "$J"
rc=$?
check "grafana database failing: exit 1 (got $rc)" [ "$rc" -eq 1 ]
check "grafana degraded" [ "$(json_get "$J" "[s['status'] for s in j['services'] if s['name']=='grafana'][0]")" = degraded ]
curl -s -XPOST "127.0.0.1:$GRAFANA_PORT/__fake/reset" >/dev/null

# A backend that never answers is bounded by --timeout; the others answer.
curl -s -XPOST "127.0.0.1:$TEMPO_PORT/__fake/override" -d '{"path":"/ready","delay":60}' >/dev/null
start=$(date +%s%N)
"$CERES_TOP" -c "$CFG" --once --format json --panes health --timeout 2 > "$J"
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "--timeout 2 returns within 3.5 s with a hung backend (took ${ms} ms)" [ "$ms" -lt 3500 ]
check "hung tempo is reported with an error, exit 2 (got $rc)" [ "$rc" -eq 2 ]
check "others are up although tempo hangs" [ "$(json_get "$J" "[s['status'] for s in j['services'] if s['name']=='caddy'][0]")" = up ]
curl -s -XPOST "127.0.0.1:$TEMPO_PORT/__fake/reset" >/dev/null

# Every source unreachable: UNKNOWN (3).
cat > "$TEST_TMP/dead.conf" <<CONF
[prometheus]
url = http://127.0.0.1:9
[redis]
address = 127.0.0.1:9
CONF
"$CERES_TOP" -c "$TEST_TMP/dead.conf" --once > /dev/null
rc=$?
check "every source unreachable: exit 3 (got $rc)" [ "$rc" -eq 3 ]

# Usage errors exit 64; a bad config exits 3 with file:line.
"$CERES_TOP" --once --format yaml >/dev/null 2>&1; rc=$?
check "bad --format exits 64 (got $rc)" [ "$rc" -eq 64 ]
"$CERES_TOP" --once --panes health,bogus >/dev/null 2>&1; rc=$?
check "bad --panes exits 64 (got $rc)" [ "$rc" -eq 64 ]
printf '[ceres]\ninterval = 5\nbogus = 1\n' > "$TEST_TMP/bad.conf"
"$CERES_TOP" -c "$TEST_TMP/bad.conf" --once > /dev/null 2> "$TEST_TMP/err"; rc=$?
check "unknown key: exit 3 (got $rc)" [ "$rc" -eq 3 ]
check "error names file:line" grep -q "bad.conf:3:" "$TEST_TMP/err"
"$CERES_TOP" -c "$TEST_TMP/bad.conf" --check-config > /dev/null 2> "$TEST_TMP/err"; rc=$?
check "--check-config on a bad file exits 1 (got $rc)" [ "$rc" -eq 1 ]
"$CERES_TOP" -c "$CFG" --check-config > "$TEST_TMP/dump" 2>&1; rc=$?
check "--check-config on the sandbox config exits 0 (got $rc)" [ "$rc" -eq 0 ]
tok=$(cat "$SANDBOX_DIR/secrets/gitea.token")
check "--check-config does not print the gitea token" bash -c "! grep -qF '$tok' '$TEST_TMP/dump'"
finish
