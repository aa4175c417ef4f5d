#!/bin/bash
# Readiness: Tempo <-> Loki (integration.traces_to_logs) from Grafana's
# /api/datasources on the sandbox's Grafana stand-in: the default Tempo
# datasource without a trace-to-logs link fails, a tracesToLogsV2 link to
# the Loki datasource passes (names terminal-safe), a link to a
# Prometheus datasource or to a missing uid fails, no Tempo datasource
# fails, a token the stand-in refuses is unknown; the service's token is
# sent; the integration matrix line follows the check.
. "$(dirname "$0")/../lib/common.sh"
sandbox_env
RJ=$TEST_TMP/readiness.json
rd_once() { "$CERES_TOP" -c "$1" --once --panes readiness --format json > "$RJ" 2> "$TEST_TMP/err"; }
expect_check() {	# ID STATUS [EVIDENCE-SUBSTRING]
	local line st ev
	line=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1]))
c=[c for k in j["readiness"]["categories"] for c in k["checks"] if c["id"]==sys.argv[2]]
print(c[0]["status"] + "\t" + c[0]["evidence"] if c else "missing\t")' "$RJ" "$1")
	st=${line%%$'\t'*}; ev=${line#*$'\t'}
	if [ "$st" = "$2" ] && { [ -z "${3:-}" ] || [[ $ev == *"$3"* ]]; }; then
		ok "$1 is $2: $ev"
	else
		not_ok "$1: got $st \"$ev\", want $2 with \"${3:-}\""
	fi
}
fake() {	# ENDPOINT [JSON]
	curl -fsS -XPOST "http://127.0.0.1:$GRAFANA_PORT/__fake/$1" ${2:+-d "$2"} > /dev/null
}
item() { json_get "$RJ" "[i['status'] for i in j['readiness']['items'] if i['title'] == '$1'][0]"; }
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
