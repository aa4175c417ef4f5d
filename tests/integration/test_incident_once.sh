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

. "$(dirname "$0")/incident-lib.sh"
trap incident_cleanup EXIT

OUT=$TEST_TMP/inc.json
# Operator actions in the audit log: one in the window of the changes,
# one long before it, one hostile, one line that is not JSON.
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
{
	printf '{"time":"%s","user":"alice","action":"silence.ack","target":"alert x %s","result":"acknowledged"}\n' "$(iso $((start + 5)))" "$TAG"
	printf '{"time":"%s","user":"bob","action":"backup.run","target":"old %s","result":"ok"}\n' "$(iso $((start - 86400)))" "$TAG"
	printf 'not json %s\n' "$TAG"
	printf '{"time":"%s","user":"eve","action":"webhook.test","target":"\\u001b[2J %s","result":"ok"}\n' "$(iso $((start - 60)))" "$TAG"
} > "$TEST_TMP/audit.log"
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
check "timeline: the operator actions of the audit log in the window, terminal-safe" python3 - "$OUT" "$TAG" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1])); tag = sys.argv[2]
acts = [e["text"] for e in j["timeline"] if e["kind"] == "action" and tag in e["text"]]
assert len(acts) == 2, acts
assert acts[0].startswith("eve webhook.test") and "\x1b" not in acts[0], acts
assert acts[1].startswith("alice silence.ack alert x") and acts[1].endswith(": acknowledged"), acts
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
