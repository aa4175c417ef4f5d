#!/bin/bash
# --once --format openmetrics against the sandbox: promtool check metrics
# accepts it, the OpenMetrics structure holds (HELP/TYPE before each family,
# families whole and unique, no duplicate series, "# EOF" last), the values
# are those of the JSON snapshot, and a real prometheus-node-exporter with
# the textfile collector serves it to a scrape with curl.
. "$(dirname "$0")/../lib/common.sh"
sandbox_env
CFG=$SANDBOX_DIR/config
OM=$TEST_TMP/ceres.om
export HOME=$TEST_TMP/home XDG_CONFIG_HOME=$TEST_TMP/home/.config XDG_STATE_HOME=$TEST_TMP/home/.state
mkdir -p "$HOME"

"$CERES_TOP" -c "$CFG" --once --format openmetrics > "$OM" 2> "$TEST_TMP/err"
rc=$?
check "exit code is the verdict (0-3, got $rc)" [ "$rc" -ge 0 ] && [ "$rc" -le 3 ]
check "nothing on stderr" [ ! -s "$TEST_TMP/err" ]
check "the verdict is also the ceres_status sample" grep -qx "ceres_status{site=\"sandbox\"} $rc" "$OM"

out=$(promtool check metrics < "$OM" 2>&1)
prc=$?
check "promtool check metrics accepts it (exit $prc${out:+: $out})" [ "$prc" -eq 0 ] && [ -z "$out" ]

check "OpenMetrics structure" python3 - "$OM" <<'EOF'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[-1] == "" and lines[-2] == "# EOF", lines[-3:]
seen, cur, series = set(), None, set()
name_re = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
sample = re.compile(r'^(%s)\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\} (NaN|[-+]?[0-9.]+(?:e[-+]?[0-9]+)?)$' % name_re)
for ln in lines[:-2]:
    if ln.startswith("# HELP "):
        name = ln.split(" ")[2]
        assert name not in seen, "family %s twice" % name
        seen.add(name); cur = name
        continue
    if ln.startswith("# TYPE "):
        assert ln == "# TYPE %s gauge" % cur, ln
        continue
    m = sample.match(ln)
    assert m, "bad line %r" % ln
    assert m.group(1) == cur, "%s outside its family %s" % (m.group(1), cur)
    assert 'site="sandbox"' in m.group(2), ln
    key = (m.group(1), m.group(2))
    assert key not in series, "duplicate series " + ln
    series.add(key)
for f in ("ceres_service_up", "ceres_alerts", "ceres_readiness_ratio", "ceres_readiness_check_state",
          "ceres_source_up", "ceres_source_latency_seconds", "ceres_data_age_seconds"):
    assert f in seen, f
EOF

# The same snapshot as JSON: the numbers agree.
"$CERES_TOP" -c "$CFG" --once --format json > "$TEST_TMP/s.json" 2>/dev/null
check "values agree with the JSON snapshot" python3 - "$OM" "$TEST_TMP/s.json" <<'EOF'
import json, re, sys
om = {}
for ln in open(sys.argv[1]):
    m = re.match(r'^(\w+)\{(.*)\} (\S+)$', ln.strip())
    if m:
        labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2)))
        om.setdefault(m.group(1), []).append((labels, float(m.group(3))))
j = json.load(open(sys.argv[2]))
r = j["readiness"]
def one(name, **kw):
    v = [v for l, v in om[name] if all(l.get(k) == x for k, x in kw.items())]
    assert len(v) == 1, (name, kw, v)
    return v[0]
assert one("ceres_readiness_score") == r["score"], (one("ceres_readiness_score"), r["score"])
assert one("ceres_readiness_max_score") == r["max"]
assert one("ceres_readiness_unknown_checks") == r["unknown"]
assert abs(one("ceres_readiness_ratio") * 100 - r["percent"]) <= 0.5
for c in r["categories"]:
    assert one("ceres_readiness_category_score", category=c["name"]) == c["score"], c["name"]
    for ch in c["checks"]:
        assert one("ceres_readiness_check_state", check=ch["id"], state=ch["status"]) == 1, ch["id"]
        for other in {"pass", "fail", "unknown"} - {ch["status"]}:
            assert one("ceres_readiness_check_state", check=ch["id"], state=other) == 0
up = sum(1 for s in j["services"] if s["status"] == "up")
assert one("ceres_services", state="up") == up, (one("ceres_services", state="up"), up)
for s in j["sources"]:
    assert one("ceres_source_up", source=s["name"]) == (1 if s["ok"] else 0), s["name"]
assert sum(v for l, v in om["ceres_alerts"] if l["state"] == "active") > 0, "the sandbox fires alerts"
EOF

# A real node-exporter serves the file through its textfile collector.
NE_PORT=$((SANDBOX_PORT_BASE + 500))
TF=$TEST_TMP/textfile
mkdir -p "$TF"
cp "$OM" "$TF/ceres-sandbox.prom"
prometheus-node-exporter --web.listen-address="127.0.0.1:$NE_PORT" --collector.disable-defaults \
    --collector.textfile --collector.textfile.directory="$TF" > "$TEST_TMP/ne.log" 2>&1 &
NE_PID=$!
trap 'kill $NE_PID 2>/dev/null; wait $NE_PID 2>/dev/null' EXIT
wait_for 15 curl -fsS "http://127.0.0.1:$NE_PORT/metrics" -o /dev/null
curl -fsS "http://127.0.0.1:$NE_PORT/metrics" > "$TEST_TMP/scrape" 2>&1
check "node-exporter reports no textfile error" grep -qx 'node_textfile_scrape_error 0' "$TEST_TMP/scrape"
score=$(json_get "$TEST_TMP/s.json" 'j["readiness"]["score"]')
omscore=$(sed -n 's/^ceres_readiness_score{site="sandbox"} //p' "$OM")
check "the scrape carries the readiness score ($omscore)" \
    grep -qx "ceres_readiness_score{site=\"sandbox\"} $omscore" "$TEST_TMP/scrape"
check "the scrape carries every check's state" \
    [ "$(grep -c '^ceres_readiness_check_state{' "$TEST_TMP/scrape")" -eq "$(grep -c '^ceres_readiness_check_state{' "$OM")" ]
diag "json score $score, openmetrics score $omscore"
check "the scrape carries the services" grep -q '^ceres_service_up{kind="prometheus",service="prometheus",site="sandbox"} 1' "$TEST_TMP/scrape"
# A broken file is reported by node-exporter, so the check above can fail.
printf 'ceres_x{site="a" 1\n' > "$TF/broken.prom"
curl -fsS "http://127.0.0.1:$NE_PORT/metrics" > "$TEST_TMP/scrape2" 2>&1
check "a malformed file is what makes node-exporter complain" grep -qx 'node_textfile_scrape_error 1' "$TEST_TMP/scrape2"

# The shipped systemd service writes the file the collector serves: its
# ExecStart, run with this build, the sandbox config and the test's
# directory (systemd's $$ is the shell's $).
rm -f "$TF"/*.prom
python3 - "$TESTS_DIR/../doc/examples/ceres-top-metrics.service" > "$TEST_TMP/exec.sh" <<'PY'
import re, sys
t = open(sys.argv[1]).read().replace("\\\n", " ")
line = [l for l in t.split("\n") if l.startswith("ExecStart=")][0][len("ExecStart="):]
m = re.match(r"^/bin/sh -c '(.*)'$", line.strip())
print(m.group(1).replace("$$", "$"))
PY
sed -i -e "s|/var/lib/prometheus/node-exporter|$TF|" -e "s|/usr/bin/ceres-top|\"\$CERES_TOP\" -c \"\$CFG\"|" "$TEST_TMP/exec.sh"
CERES_TOP=$CERES_TOP CFG=$CFG sh "$TEST_TMP/exec.sh"
erc=$?
check "the example service's command exits with the verdict ($erc)" [ "$erc" -le 3 ]
check "it leaves ceres-top.prom and no temporary file" \
    [ -s "$TF/ceres-top.prom" ] && [ ! -e "$TF/.ceres-top.prom.tmp" ]
curl -fsS "http://127.0.0.1:$NE_PORT/metrics" > "$TEST_TMP/scrape3" 2>&1
check "node-exporter serves what the example service wrote" \
    grep -q '^ceres_readiness_ratio{site="sandbox"} ' "$TEST_TMP/scrape3"
check "the timer is a valid unit naming the service's interval" grep -qx 'OnUnitActiveSec=1min' \
    "$TESTS_DIR/../doc/examples/ceres-top-metrics.timer"

# The Grafana dashboard: valid JSON whose queries are valid PromQL and name
# only metrics the output has.
check "the dashboard's queries name only metrics of the output" python3 - \
    "$TESTS_DIR/../doc/examples/grafana-ceres-readiness.json" "$OM" "$TEST_TMP/dash-rules.yml" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
fams = set(l.split()[2] for l in open(sys.argv[2]) if l.startswith("# TYPE "))
exprs = [t["expr"] for p in d["panels"] for t in p.get("targets", [])]
assert len(exprs) >= 8, exprs
assert any("ceres_readiness_category_ratio" in e for e in exprs)
for e in exprs:
    for n in re.findall(r"\b(ceres_[a-z_]+)", e):
        assert n in fams, (n, e)
with open(sys.argv[3], "w") as f:
    f.write("groups:\n- name: dashboard\n  rules:\n")
    for i, e in enumerate(exprs):
        f.write("  - record: dashboard:expr%d\n    expr: %s\n" % (i, json.dumps(e.replace("$site", ".*"))))
PY
out=$(promtool check rules "$TEST_TMP/dash-rules.yml" 2>&1)
check "promtool parses every dashboard query" [ $? -eq 0 ]
diag "$(echo "$out" | tail -1)"

# Nothing secret in the output: the sandbox config holds tokens in files.
for f in "$SANDBOX_DIR"/secrets/* ; do
	[ -f "$f" ] || continue
	s=$(head -c 200 "$f")
	[ ${#s} -ge 6 ] || continue
	check "secret $(basename "$f") not in the output" bash -c '! grep -qF -- "$1" "$2"' _ "$s" "$OM"
done
finish
