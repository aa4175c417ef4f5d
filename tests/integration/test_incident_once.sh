#!/usr/bin/env bash
# ceres-top --once --incident against the sandbox: a real Prometheus rule
# fires through the real Alertmanager; the fake Loki holds lines of the
# alert's instance and of another one, inside and outside the window; the
# fake Gitea a push just before the alert and one a day before.  Checks
# the JSON (logs, changes with their lead time, related items), the query
# Loki received, the text and Markdown forms, a hostile label value that
# must not break the LogQL selector, and exit 3 for a selector that
# matches nothing.
. "$(dirname "$0")/../lib/common.sh"
export LC_ALL=C.UTF-8
sandbox_env
. "$(dirname "$0")/alerts-lib.sh"

TAG="inc$$"
L=http://127.0.0.1:$LOKI_PORT
G=http://127.0.0.1:$GITEA_PORT
INST="127.0.0.1:$NODE_PORT"
RULES=$SANDBOX_DIR/prometheus/rules.yml

cleanup() {
	[ -f "$TEST_TMP/rules.orig" ] && cp "$TEST_TMP/rules.orig" "$RULES" &&
		curl -fsS --max-time 10 -XPOST "$PROM/-/reload" >/dev/null
	curl -s -XPOST "$G/__fake/reset" >/dev/null
	curl -s -XPOST "$L/__loki/clear" >/dev/null
}
trap cleanup EXIT

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

[alertmanager]
url = $AM1

[loki]
url = $L
query = {job="none"}
since = 1m

[gitea]
url = $G
repos = incident/svc

[incident]
labels = job instance service

[service "gitea"]
repos = incident/svc
EOF

OUT=$TEST_TMP/inc.json
"$CERES_TOP" -c "$TEST_TMP/config" --once --panes alerts,logs,activity --incident "alertname=CeresIncident,run=$TAG" \
	--format json > "$OUT" 2> "$TEST_TMP/inc.err"
rc=$?
"$CERES_TOP" -c "$TEST_TMP/config" --once --panes alerts,logs,activity > /dev/null 2>&1
verdict=$?
check "--once --incident exits with the snapshot's verdict ($verdict, got $rc)" bash -c '[ "$1" = "$2" ] && [ "$1" -ge 1 ]' _ "$rc" "$verdict"
check "the output is the incident JSON of the alert" python3 - "$OUT" "$TAG" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["alertname"] == "CeresIncident" and j["labels"]["run"] == sys.argv[2], j
assert j["runbook_url"] == "https://runbooks.example/CeresIncident"
assert j["runbook_page"].endswith("/runbooks/CeresIncident.md")
EOF
check "logs: only the alert's instance inside the window" python3 - "$OUT" "$TAG" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1])); tag = sys.argv[2]
lines = [l["line"] for l in j["logs"]["lines"] if tag in l["line"]]
assert lines == ["%s mine ERROR before the start" % tag, "%s mine error at the start" % tag], lines
assert j["logs"]["error"] is None
assert sum(j["logs"]["errors_per_minute"]) >= 2, j["logs"]
EOF
check "the query Loki received: the selector of the alert's labels over the window" python3 - "$L" "$INST" "$start" <<'EOF'
import json, sys, urllib.request
l, inst, start = sys.argv[1], sys.argv[2], int(sys.argv[3])
reqs = json.load(urllib.request.urlopen(l + "/__fake/requests?path=/loki/api/v1/query_range"))
qs = [r["query"] for r in reqs if 'run' not in r["query"].get("query", "") and "instance" in r["query"].get("query", "")]
mine = [q for q in qs if inst in q["query"]]
assert mine, qs
q = mine[-1]
assert q["query"] == '{job="node", instance="%s", service="gitea"}' % inst, q
assert abs(int(q["start"]) / 1e9 - (start - 900)) < 2, q
assert q["direction"] == "forward"
labels = json.load(urllib.request.urlopen(l + "/__fake/requests?path=/loki/api/v1/labels"))
assert any("start" in r["query"] for r in labels), labels
EOF
check "changes: the push before the start with its lead time, not the old one" python3 - "$OUT" "$TAG" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1])); tag = sys.argv[2]
c = [c for c in j["changes"] if tag in c["title"]]
assert len(c) == 1 and "deploy before the alert" in c[0]["title"], c
assert abs(c[0]["lead_seconds"] - 600) <= 2 and c[0]["kind"] == "push", c
assert j["service"] == "gitea"
EOF
check "timeline: the start and the change, in time order" python3 - "$OUT" "$TAG" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
kinds = [e["kind"] for e in j["timeline"]]
assert "start" in kinds and "change" in kinds, kinds
times = [e["time"] for e in j["timeline"]]
assert times == sorted(times), times
EOF
check "related: the runbook" python3 - "$OUT" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
assert any(r["kind"] == "runbook" for r in j["related"]), j["related"]
EOF

"$CERES_TOP" -c "$TEST_TMP/config" --once --panes alerts,logs,activity --incident "alertname=CeresIncident,run=$TAG" \
	> "$TEST_TMP/inc.txt" 2>&1
check "text: sections and the matching lines" bash -c 'grep -q "^INCIDENT CeresIncident" "$1" && grep -q "^CHANGES" "$1" && grep -q "mine error at the start" "$1" && ! grep -q "other instance" "$1"' _ "$TEST_TMP/inc.txt"
"$CERES_TOP" -c "$TEST_TMP/config" --once --panes alerts,logs,activity --incident "alertname=CeresIncident,run=$TAG" \
	--format markdown > "$TEST_TMP/inc.md" 2>&1
check "markdown: the report's sections" bash -c 'for s in "# Incident: CeresIncident" "## Runbook" "## Timeline" "## Changes" "## Logs" "## Actions taken"; do grep -qxF -- "$s" "$1" || grep -q "^$s" "$1" || exit 1; done' _ "$TEST_TMP/inc.md"

# A hostile label value: the selector stays one valid selector.
curl -s -XPOST "$L/__fake/clear-requests" >/dev/null
"$CERES_TOP" -c "$TEST_TMP/config" --once --panes alerts,logs --incident "alertname=CeresIncidentHostile,run=$TAG" \
	--format json > "$TEST_TMP/hostile.json" 2> "$TEST_TMP/hostile.err"
check "hostile labels: the query Loki received is the escaped selector and Loki accepted it" python3 - "$L" "$TEST_TMP/hostile.json" <<'EOF'
import json, sys, urllib.request
reqs = json.load(urllib.request.urlopen(sys.argv[1] + "/__fake/requests?path=/loki/api/v1/query_range"))
q = [r["query"]["query"] for r in reqs]
want = '{job="ev\\"il} |= \\"x\\" \\\\ {a=~\\".+", instance="tab\\tand \\x1b[2J"}'
assert want in q, (q, want)
j = json.load(open(sys.argv[2]))
assert j["logs"]["error"] is None, j["logs"]
EOF
check "hostile labels: the text form has no raw escape" bash -c '"$CERES_TOP" -c "$1" --once --panes alerts,logs --incident "alertname=CeresIncidentHostile,run=$2" | grep -q $'"'"'\x1b'"'"' && exit 1 || exit 0' _ "$TEST_TMP/config" "$TAG"

"$CERES_TOP" -c "$TEST_TMP/config" --once --panes alerts --incident "alertname=NoSuchAlert$TAG" > "$TEST_TMP/none.out" 2> "$TEST_TMP/none.err"
rc=$?
check "a selector that matches nothing exits 3 (got $rc)" test "$rc" = 3
check "... with a clear message" grep -q "no alert matches \"alertname=NoSuchAlert$TAG\"" "$TEST_TMP/none.err"
"$CERES_TOP" -c "$TEST_TMP/config" --once --panes alerts --incident "=x" > /dev/null 2> "$TEST_TMP/bad.err"
rc=$?
check "a malformed selector exits 3 with a message (got $rc)" bash -c '[ "$1" = 3 ] && grep -q "malformed incident selector" "$2"' _ "$rc" "$TEST_TMP/bad.err"
"$CERES_TOP" -c "$TEST_TMP/config" --incident x > /dev/null 2>&1
check "--incident without --once is a usage error" test "$?" = 64
finish
