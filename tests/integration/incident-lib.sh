# Set-up shared by the incident tests, sourced after common.sh,
# sandbox_env and alerts-lib.sh: two Prometheus rules of this run (one on
# the node exporter's target, one with hostile label values) firing through
# the sandbox's Alertmanager; Loki lines of the alert's instance and of
# another one, inside and outside the window; Gitea pushes 10 minutes and
# a day before the start; a runbook page in a data directory of the test;
# $TEST_TMP/config.  incident_cleanup puts the rules and fakes back.

TAG="inc$$"
L=http://127.0.0.1:$LOKI_PORT
G=http://127.0.0.1:$GITEA_PORT
INST="127.0.0.1:$NODE_PORT"
RULES=$SANDBOX_DIR/prometheus/rules.yml

incident_cleanup() {
	[ -f "$TEST_TMP/rules.orig" ] && cp "$TEST_TMP/rules.orig" "$RULES" &&
		curl -fsS --max-time 10 -XPOST "$PROM/-/reload" >/dev/null
	curl -s -XPOST "$G/__fake/reset" >/dev/null
	curl -s -XPOST "$L/__loki/clear" >/dev/null
	# Silences of this run (the view's ack) expire with it.
	curl -fsS --max-time 5 "$AM1/api/v2/silences" 2>/dev/null | python3 -c '
import json, sys
for s in json.load(sys.stdin):
    if s["status"]["state"] != "expired" and any(m["name"] == "run" and m["value"] == sys.argv[1] for m in s["matchers"]):
        print(s["id"])' "$TAG" 2>/dev/null | while read -r id; do
		curl -s --max-time 5 -XDELETE "$AM1/api/v2/silence/$id" >/dev/null
	done
}

# Two rules of this run: one on the node exporter's target (instance and
# job come from the series), one whose label values are hostile.
cp "$RULES" "$TEST_TMP/rules.orig"
cat >> "$RULES" <<EOF
  - name: incident-$TAG
    rules:
      - alert: CeresIncident
        expr: up{job="node"} == 1
        for: 0s
        labels:
          severity: warning
          service: gitea
          run: $TAG
        annotations:
          summary: "incident test $TAG"
          runbook_url: "https://runbooks.example/CeresIncident"
      - alert: CeresIncidentHostile
        expr: vector(1)
        for: 0s
        labels:
          severity: warning
          run: $TAG
          job: 'ev"il} |= "x" \\ {a=~".+'
          instance: "tab	and \\e[2J"
        annotations:
          summary: "hostile"
EOF
check "Prometheus reloads the rules of this run" curl -fsS --max-time 10 -XPOST "$PROM/-/reload"
rules_in() { curl -fsS --max-time 5 "$PROM/api/v1/rules" | grep -q "incident-$TAG"; }
check "the rules are loaded" wait_for 20 rules_in
in_am() { curl -fsS --max-time 5 "$AM1/api/v2/alerts" | grep -q "\"run\":\"$TAG\".*CeresIncident\|CeresIncident.*\"run\":\"$TAG\""; }
check "the alert reaches Alertmanager" wait_for 40 in_am
start=$(curl -fsS --max-time 5 "$AM1/api/v2/alerts" | python3 -c '
import json, sys, datetime
a = [a for a in json.load(sys.stdin) if a["labels"].get("alertname") == "CeresIncident" and a["labels"].get("run") == sys.argv[1]]
t = datetime.datetime.fromisoformat(a[0]["startsAt"].replace("Z", "+00:00"))
print(int(t.timestamp()))' "$TAG")
diag "alert started at $start"

# Loki: the alert's stream and another instance's, inside and outside the window.
curl -s -XPOST "$L/__loki/clear" >/dev/null
curl -s -XPOST "$L/__fake/state" -d '{"generate": false}' >/dev/null
curl -s -XPOST "$L/__fake/clear-requests" >/dev/null
python3 - "$L" "$INST" "$TAG" "$start" <<'EOF'
import json, sys, urllib.request
url, inst, tag, start = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ns = lambda s: str(int(s * 1e9))
mine = {"job": "node", "instance": inst, "service": "gitea", "run": tag}
other = {"job": "node", "instance": "10.9.9.9:9100", "service": "gitea", "run": tag}
streams = [
    {"stream": mine, "values": [[ns(start - 1800), "%s mine too early" % tag],
                                [ns(start - 300), "%s mine ERROR before the start" % tag],
                                [ns(start), "%s mine error at the start" % tag],
                                [ns(start + 3600), "%s mine in the future" % tag]]},
    {"stream": other, "values": [[ns(start - 60), "%s other instance" % tag]]},
]
req = urllib.request.Request(url + "/__loki/push", data=json.dumps({"streams": streams}).encode())
urllib.request.urlopen(req, timeout=5)
EOF

# Gitea: a push 10 minutes before the start, one a day before.
python3 - "$G" "$TAG" "$start" <<'EOF'
import json, sys, time, urllib.request
g, tag, start = sys.argv[1], sys.argv[2], int(sys.argv[3])
iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
add = [{"op": "commit_repo", "repo": "incident/svc", "actor": "alice",
        "message": "%s deploy before the alert\n" % tag, "ref": "refs/heads/main", "created": iso(start - 600)},
       {"op": "commit_repo", "repo": "incident/svc", "actor": "alice",
        "message": "%s old deploy\n" % tag, "ref": "refs/heads/main", "created": iso(start - 86400)}]
urllib.request.urlopen(urllib.request.Request(g + "/__fake/state", data=json.dumps({"add": add}).encode()), timeout=5)
EOF

mkdir -p "$TEST_TMP/data/runbooks"
printf '# CeresIncident\n\nRestart the node exporter.\n' > "$TEST_TMP/data/runbooks/CeresIncident.md"
export CERES_TOP_DATADIR=$TEST_TMP/data
export HOME=$TEST_TMP/home XDG_STATE_HOME=$TEST_TMP/state XDG_CONFIG_HOME=$TEST_TMP/cfg
mkdir -p "$HOME"
cat > "$TEST_TMP/config" <<EOF
[ceres]
timeout = 5
state_dir = $TEST_TMP/state
audit_log = $TEST_TMP/audit.log

[alertmanager]
url = $AM1

[loki]
url = $L
query = {job="none"}
since = 1m

[gitea]
url = $G
repos = incident/svc

[redmine]
url = http://127.0.0.1:$REDMINE_PORT
api_key_file = $SANDBOX_DIR/secrets/redmine.key
project = ops

[incident]
labels = job instance service
redmine_project = ops
report_dir = $TEST_TMP/reports

[service "gitea"]
repos = incident/svc

[backup]
command = /bin/true
EOF

