# Helpers of the alerts tests, sourced after tests/lib/common.sh and
# sandbox_env: Alertmanager and Prometheus URLs, posting alerts, the test
# rule (CeresTestCritical) when the sandbox runs with other rules, and
# private Alertmanager instances on this area's own ports.

AM1=http://127.0.0.1:$AM_PORT
AM2=http://127.0.0.1:$AM2_PORT
PROM=http://127.0.0.1:$PROM_PORT
ALERTS_RULES_SRC=$TESTS_DIR/sandbox/alerts-test-rules.yml
# Private instances live above the shared sandbox: SANDBOX_PORT_BASE+500..999.
ALERTS_PORT_BASE=$(( ${SANDBOX_PORT_BASE:-24000} + 500 ))

# am_post URL FILE: POST a JSON array of alerts to an Alertmanager.
am_post() {
	curl -fsS --max-time 30 -XPOST -H 'Content-Type: application/json' \
		--data-binary @"$2" "$1/api/v2/alerts" >/dev/null
}

# am_silence URL FILE: POST a silence, print its id.
am_silence() {
	curl -fsS --max-time 10 -XPOST -H 'Content-Type: application/json' \
		--data-binary @"$2" "$1/api/v2/silences" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["silenceID"])'
}

am_expire() { curl -fsS --max-time 10 -XDELETE "$1/api/v2/silence/$2" >/dev/null; }

alerts_rules_loaded() { curl -fsS --max-time 5 "$PROM/api/v1/rules" | grep -q '"CeresTestCritical"'; }

# ensure_test_rules: the runner may start the sandbox with other rules; then
# load tests/sandbox/alerts-test-rules.yml for this test (restore_test_rules
# puts the original back).
ALERTS_RULES_SWAPPED=0
ensure_test_rules() {
	alerts_rules_loaded && return 0
	local args=() v
	for v in $(sed -n 's/^\([A-Z0-9_]*_PORT\)=.*/\1/p' "$SANDBOX_DIR/ports.env"); do
		args+=(-e "s|@$v@|${!v}|g")
	done
	cp "$SANDBOX_DIR/prometheus/rules.yml" "$TEST_TMP/rules.yml.orig" || return 1
	sed "${args[@]}" -e "s|@SANDBOX_DIR@|$SANDBOX_DIR|g" "$ALERTS_RULES_SRC" > "$SANDBOX_DIR/prometheus/rules.yml"
	ALERTS_RULES_SWAPPED=1
	curl -fsS --max-time 10 -XPOST "$PROM/-/reload" >/dev/null || return 1
	diag "loaded $ALERTS_RULES_SRC into the sandbox's Prometheus for this test"
	wait_for 20 alerts_rules_loaded
}
restore_test_rules() {
	[ "$ALERTS_RULES_SWAPPED" = 1 ] || return 0
	cp "$TEST_TMP/rules.yml.orig" "$SANDBOX_DIR/prometheus/rules.yml"
	curl -fsS --max-time 10 -XPOST "$PROM/-/reload" >/dev/null
	ALERTS_RULES_SWAPPED=0
}

# once_json FILE [ARGS...]: --once --panes alerts --format json into FILE;
# the exit code is ceres-top's.
once_json() {
	local out=$1; shift
	"$CERES_TOP" --once --panes alerts --format json "$@" > "$out" 2> "$out.err"
}

# has_alert FILE ALERTNAME: the JSON snapshot lists that alert.
has_alert() {
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if any(a["alertname"]==sys.argv[2] for a in j["alerts"]) else 1)' "$1" "$2"
}

# once_until FILE NAME [ARGS...]: rerun --once (JSON into FILE) until the
# alert NAME is listed, for up to 30 s: alerts that Prometheus feeds live
# only a few seconds past their last evaluation, and a loaded machine can
# delay one.  ONCE_RC is the exit code of the last run.
once_until() {
	local out=$1 name=$2 end=$(( $(date +%s) + 30 ))
	shift 2
	while :; do
		once_json "$out" "$@"
		ONCE_RC=$?
		has_alert "$out" "$name" && return 0
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.3
	done
}

# post_alerts URL FILE NAME SEVERITY [MINUTES]: post one alert that lives
# MINUTES (default 10); FILE keeps it for resolve_alerts.
post_alerts() {
	python3 -c '
import json,sys,datetime
n=datetime.datetime.now(datetime.timezone.utc); f=lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
json.dump([{"labels":{"alertname":sys.argv[2],"severity":sys.argv[3]},"annotations":{"summary":sys.argv[2]+" (test)"},
  "startsAt":f(n),"endsAt":f(n+datetime.timedelta(minutes=int(sys.argv[4])))}], open(sys.argv[1],"w"))' "$2" "$3" "$4" "${5:-10}" &&
	am_post "$1" "$2"
}

# resolve_alerts URL FILE: post the alerts of FILE again, ended now.
resolve_alerts() {
	[ -f "$2" ] || return 0
	python3 -c '
import json,sys,datetime
a=json.load(open(sys.argv[1]))
for x in a: x["endsAt"]=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
json.dump(a, open(sys.argv[1]+".resolve","w"))' "$2" && am_post "$1" "$2.resolve"
}

# am_start NAME PORT: a private Alertmanager (no clustering) in $TEST_TMP,
# with the sandbox's null receiver; its pid in $TEST_TMP/NAME.pid.
am_start() {
	local name=$1 port=$2 cfg=${3:-}
	mkdir -p "$TEST_TMP/$name"
	if [ -z "$cfg" ]; then
		cfg=$TEST_TMP/$name/am.yml
		printf 'route: {receiver: null-rcv, group_by: [alertname], group_wait: 1s, group_interval: 5s}\nreceivers: [{name: null-rcv}]\n' > "$cfg"
	fi
	prometheus-alertmanager --config.file="$cfg" --storage.path="$TEST_TMP/$name/data" \
		--web.listen-address="127.0.0.1:$port" --cluster.listen-address= \
		> "$TEST_TMP/$name/log" 2>&1 &
	echo $! > "$TEST_TMP/$name.pid"
	wait_for 20 curl -fsS --max-time 1 "http://127.0.0.1:$port/-/ready"
}

# am_stop NAME: stop the instance started by am_start (by its pid only).
am_stop() {
	local pid
	pid=$(cat "$TEST_TMP/$1.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || return 0
	wait "$pid" 2>/dev/null	# our own child: reap it
	rm -f "$TEST_TMP/$1.pid"
}
