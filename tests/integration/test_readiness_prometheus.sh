#!/bin/bash
# Readiness against a real Prometheus of this test's own (SANDBOX_PORT_BASE
# +500): with the full rules file (every class, runbooks), with rules that
# lack runbook_url, without rules or Alertmanager, with a failed reload;
# scraping itself, node-exporter and the sandbox Alertmanager.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/readiness.sh"
sandbox_env
BASE=${SANDBOX_PORT_BASE:-29000}
PORT=$((BASE + 500))
FIX=$TESTS_DIR/fixtures/readiness
D=$TEST_TMP/prom
mkdir -p "$D/data"


if ss -Htln | awk '{print $4}' | grep -qE "[:.]$PORT\$"; then
	echo "Bail out! port $PORT busy"; exit 1
fi
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; }
trap cleanup EXIT

# prom_config "RULE-FILES..."|"" WITH-ALERTMANAGER(yes|no) [extra scrape job lines]
prom_config() {
	local f n=0 files=""
	rm -f "$D"/rules-*.yml
	for f in $1; do
		cp "$f" "$D/rules-$n.yml"
		files="$files'$D/rules-$n.yml', "
		n=$((n + 1))
	done
	{
		echo "global: {scrape_interval: 1s, evaluation_interval: 1s}"
		[ -n "$files" ] && echo "rule_files: [${files%, }]"
		if [ "$2" = yes ]; then
			echo "alerting:"
			echo "  alertmanagers: [{static_configs: [{targets: ['127.0.0.1:$AM_PORT']}]}]"
		fi
		echo "scrape_configs:"
		echo "  - {job_name: prometheus, static_configs: [{targets: ['127.0.0.1:$PORT']}]}"
		echo "  - {job_name: node, static_configs: [{targets: ['127.0.0.1:$NODE_PORT']}]}"
		echo "  - {job_name: alertmanager, static_configs: [{targets: ['127.0.0.1:$AM_PORT']}]}"
		echo "  - job_name: uptime-kuma"
		echo "    basic_auth: {username: prometheus, password: uk1_ceres-test-key}"
		echo "    static_configs: [{targets: ['127.0.0.1:$KUMA_PORT']}]"
		[ -n "${3:-}" ] && echo "$3"
	} > "$D/prometheus.yml"
	return 0
}
reload() { curl -fsS -XPOST "http://127.0.0.1:$PORT/-/reload" >/dev/null 2>&1; }

cat > "$TEST_TMP/ceres.conf" <<EOF
[ceres]
timeout = 3
[prometheus]
url = http://127.0.0.1:$PORT
[alertmanager]
url = http://127.0.0.1:$AM_PORT
[uptime_kuma]
url = http://127.0.0.1:$KUMA_PORT
status_page = ceres
EOF

prom_config "$FIX/rules_full.yml" yes
prometheus --config.file="$D/prometheus.yml" --storage.tsdb.path="$D/data" \
	--web.listen-address="127.0.0.1:$PORT" --web.enable-lifecycle > "$D/log" 2>&1 &
PID=$!
check "own Prometheus ready on :$PORT" wait_for 20 curl -fs "http://127.0.0.1:$PORT/-/ready"
all_scraped() {
	curl -fs "http://127.0.0.1:$PORT/api/v1/query?query=count(up==1)" | grep -q '"4"' &&
	curl -fs "http://127.0.0.1:$PORT/api/v1/alertmanagers" | grep -q "$AM_PORT"
}
check "targets scraped and Alertmanager discovered" wait_for 30 all_scraped

# 1. Full rules, runbooks, Alertmanager, self and Alertmanager scraped.
rd_once "$TEST_TMP/ceres.conf"
expect_check observability.alert_rules pass "6 alerting rules cover cpu, memory, disk, service down, latency, db connections"
expect_check manageability.runbooks pass "all 6 alerting rules have a runbook_url"
expect_check availability.alerting pass "1 active Alertmanager"
expect_check observability.meta_monitoring pass "Prometheus scrapes itself and 1 Alertmanager"
expect_check observability.node_exporter pass "from 1 host"
expect_check manageability.config_reload pass "last config reload succeeded"
expect_check observability.metrics pass "4/4 targets up"
# Uptime Kuma's /metrics is scraped, but no rule watches monitor_status.
expect_check integration.uptime_alerting fail "Prometheus scrapes Uptime Kuma (4 monitor_status series), but no alerting rule uses monitor_status"

# 1b. A rule on monitor_status: Uptime Kuma's alerts go through Alertmanager.
prom_config "$FIX/rules_full.yml $FIX/rules_kuma.yml" yes
check "reload with the Uptime Kuma rule" reload
rd_once "$TEST_TMP/ceres.conf"
expect_check integration.uptime_alerting pass "rule UptimeKumaMonitorDown alerts on it through Alertmanager"
expect_check observability.alert_rules pass "7 alerting rules"

# 1c. A scrape target that is down.
prom_config "$FIX/rules_full.yml" yes "  - {job_name: dead, static_configs: [{targets: ['127.0.0.1:9']}]}"
check "reload with a dead target" reload
dead_down() { curl -fs "http://127.0.0.1:$PORT/api/v1/targets" | grep -q '"health":"down"'; }
check "Prometheus sees the dead target down" wait_for 20 dead_down
rd_once "$TEST_TMP/ceres.conf"
expect_check observability.metrics fail "4/5 targets up; down: target dead 127.0.0.1:9"

# 2. Rules without runbook_url on two alerts.
prom_config "$FIX/rules_norunbook.yml" yes
check "reload with rules lacking runbooks" reload
rd_once "$TEST_TMP/ceres.conf"
expect_check manageability.runbooks fail "2/6 alerting rules lack runbook_url: DiskSpaceLow, ApiLatencyHigh"
expect_check observability.alert_rules pass

# 3. Only the sandbox's single always-firing rule: classes missing.
prom_config "$TESTS_DIR/sandbox/rules.yml" yes
check "reload with the sandbox rule" reload
rd_once "$TEST_TMP/ceres.conf"
expect_check observability.alert_rules fail "1 alerting rules; missing: cpu, memory, disk, service down, latency, db connections"
expect_check manageability.runbooks pass "all 1 alerting rules"

# 4. No rules file, no Alertmanager, Alertmanager not scraped.  A fresh
# Prometheus: series of a scrape pool removed by a reload linger for the
# 5-minute lookback in 2.42 (no staleness markers for removed pools).
start_prom() {
	prometheus --config.file="$D/prometheus.yml" --storage.tsdb.path="$1" \
		--web.listen-address="127.0.0.1:$PORT" --web.enable-lifecycle > "$D/log" 2>&1 &
	PID=$!
	wait_for 20 curl -fs "http://127.0.0.1:$PORT/-/ready"
}
cleanup
prom_config "" no
sed -i -e '/job_name: alertmanager/d' -e '/job_name: node/d' "$D/prometheus.yml"
check "fresh Prometheus without rules and Alertmanager" start_prom "$D/data2"
self_scraped() { curl -fs "http://127.0.0.1:$PORT/api/v1/query?query=prometheus_build_info" | grep -q __name__; }
check "it scrapes itself" wait_for 30 self_scraped
rd_once "$TEST_TMP/ceres.conf"
expect_check observability.alert_rules fail "no alerting rules"
expect_check manageability.runbooks unknown "no alerting rules loaded"
expect_check availability.alerting fail "no active Alertmanager"
expect_check observability.meta_monitoring fail "Alertmanager (alertmanager_build_info)"
expect_check observability.node_exporter fail "no node-exporter is scraped"

# 5. A broken rules file: the reload fails, Prometheus keeps the old config.
prom_config "$FIX/rules_full.yml" yes
echo "groups: [{name: x, rules: [{alert: Broken, expr: 'up =='}]}]" > "$D/rules-0.yml"
reload
rd_once "$TEST_TMP/ceres.conf"
expect_check manageability.config_reload fail "last config reload FAILED"

# 6. Prometheus gone: everything it answers is unknown, nothing passes.
cleanup
PID=
rd_once "$TEST_TMP/ceres.conf"
expect_check observability.alert_rules unknown "prometheus"
expect_check availability.alerting unknown
expect_check manageability.config_reload unknown
finish
