#!/bin/bash
# Readiness: Tempo <-> Loki (integration.traces_to_logs) from Grafana's
# /api/datasources on the sandbox's Grafana stand-in: the default Tempo
# datasource without a trace-to-logs link fails, a tracesToLogsV2 link to
# the Loki datasource passes (names terminal-safe), a link to a
# Prometheus datasource or to a missing uid fails, no Tempo datasource
# fails, a token the stand-in refuses is unknown; the service's token is
# sent; the integration matrix line follows the check.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/readiness.sh"
sandbox_env
fake() {	# ENDPOINT [JSON]
	curl -fsS -XPOST "http://127.0.0.1:$GRAFANA_PORT/__fake/$1" ${2:+-d "$2"} > /dev/null
}
trap 'fake reset' EXIT
fake reset
CFG=$TEST_TMP/c.conf
cp "$SANDBOX_DIR/config" "$CFG"
ID=integration.traces_to_logs

rd_once "$CFG"
check "nothing on stderr" [ ! -s "$TEST_TMP/err" ]
expect_check $ID fail "Tempo datasource 'Tempo' has no trace-to-logs link"
check "the matrix line Tempo <-> Loki is live and fail" [ "$(item 'Tempo <-> Loki')" = fail ]

ds() {	# TEMPO-JSONDATA
	fake state "{\"datasources\": [
	  {\"uid\": \"prom\", \"name\": \"Prometheus\", \"type\": \"prometheus\"},
	  {\"uid\": \"lk\", \"name\": \"Loki\\u001b[2J\", \"type\": \"loki\"},
	  {\"uid\": \"tp\", \"name\": \"Tempo\", \"type\": \"tempo\", \"jsonData\": $1}]}"
}
ds '{"tracesToLogsV2": {"datasourceUid": "lk", "filterByTraceID": true}}'
rd_once "$CFG"
expect_check $ID pass "Tempo datasource 'Tempo' links traces to logs in 'Loki"
expect_check $ID pass "(1/1 Tempo datasources)"
check "datasource names are terminal-safe" bash -c "! grep -q $'\x1b' '$RJ'"
check "the matrix line passes" [ "$(item 'Tempo <-> Loki')" = pass ]

ds '{"tracesToLogs": {"datasourceUid": "prom"}}'
rd_once "$CFG"
expect_check $ID fail "Tempo datasource 'Tempo' links logs to 'Prometheus', which is not Loki"
ds '{"tracesToLogsV2": {"datasourceUid": "gone"}}'
rd_once "$CFG"
expect_check $ID fail "links logs to uid 'gone', which is not a datasource"
fake state '{"datasources": [{"uid": "lk", "name": "Loki", "type": "loki"}]}'
rd_once "$CFG"
expect_check $ID fail "Grafana has no Tempo datasource (1 datasources)"

# A Grafana that wants a service account token: the service's token is sent.
ds '{"tracesToLogsV2": {"datasourceUid": "lk"}}'
fake state '{"token": "glsa_ceres"}'
rd_once "$CFG"
expect_check $ID unknown "grafana: HTTP 401: credentials refused"
umask 077
echo glsa_ceres > "$TEST_TMP/grafana.token"
sed -i "/^\[service \"grafana\"\]/a token_file = $TEST_TMP/grafana.token" "$CFG"
rd_once "$CFG"
expect_check $ID pass "links traces to logs in 'Loki"
check "the token is not printed" bash -c "! grep -q glsa_ceres '$RJ'"
finish
