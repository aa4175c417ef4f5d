#!/bin/bash
# --once --fleet: three sites in one run (tests/integration/fleet-lib.sh):
# alpha and beta with their own real Alertmanager and Prometheus (alpha
# has a critical alert), gamma whose backends accept and never answer.
# JSON holds the three snapshots and the summary, exit 2 (alpha's
# critical alert), alpha and beta answered, and the run takes about the
# request timeout, not one timeout per site.  Text and nagios carry the
# same verdicts; --site narrows to one site.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/fleet-lib.sh"
trap fleet_stop EXIT
export USER=ceres-fleet-test
fleet_start

ms() { date +%s%3N; }
T0=$(ms)
"$CERES_TOP" -c "$FLEET_CFG" --once --fleet --format json --timeout 10 > "$FD/fleet.json" 2> "$FD/fleet.err"
RC=$?
WALL=$(( $(ms) - T0 ))
diag "--once --fleet --format json: exit $RC in ${WALL} ms"
check "exit 2: alpha has a critical alert (got $RC)" [ "$RC" -eq 2 ]
check "the JSON holds three snapshots, in config order" python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
assert [s["site"] for s in j["sites"]] == ["alpha","beta","gamma"], j["sites"]
for s in j["sites"]:
    for k in ("generated_at","status","exit_code","summary","services","alerts","sources"):
        assert k in s, (s["site"], k)' "$FD/fleet.json"
check "the fleet verdict and summary" python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
assert j["status"]=="critical" and j["exit_code"]==2, j
s=j["summary"]; assert s["sites"]==3 and s["critical"]==1 and s["ok"]==1 and s["unknown"]==1, s
assert s["text"]=="3 sites: 1 critical, 1 unknown, 1 ok", s' "$FD/fleet.json"
check "alpha: critical, its alert, every source answered" python3 -c '
import json,sys; j=json.load(open(sys.argv[1])); a=j["sites"][0]
assert a["status"]=="critical" and a["exit_code"]==2, a["status"]
assert [x["alertname"] for x in a["alerts"]]==["AlphaDiskFull"], a["alerts"]
assert all(s["ok"] for s in a["sources"]), a["sources"]
assert {s["name"]:s["status"] for s in a["services"]}["alertmanager"]=="up"' "$FD/fleet.json"
check "beta: ok, fresh data from its own backends" python3 -c '
import json,sys; j=json.load(open(sys.argv[1])); b=j["sites"][1]
assert b["status"]=="ok" and b["alerts"]==[], b["status"]
assert all(s["ok"] for s in b["sources"]), b["sources"]
assert "23722" in b["alertmanager"]["peer"] or b["alertmanager"]["peer"].endswith(sys.argv[2]), b["alertmanager"]' \
	"$FD/fleet.json" "$((FBASE + 2))"
check "gamma: unknown, every watched source timed out" python3 -c '
import json,sys; j=json.load(open(sys.argv[1])); g=j["sites"][2]
assert g["status"]=="unknown", g["status"]
w=[s for s in g["sources"] if not s.get("advisory")]
assert w and all(not s["ok"] and "timed out" in (s["error"] or "") for s in w), w
assert not any(s["ok"] for s in g["sources"]), g["sources"]' \
	"$FD/fleet.json"
# [ceres] timeout = 2: the hanging site costs its own timeout once, not
# once per site or per source, and never the 10 s --timeout.
check "wall time bounded by the request timeout (${WALL} ms < 3500)" [ "$WALL" -lt 3500 ]
check "and the hanging site was waited for (${WALL} ms >= 1900)" [ "$WALL" -ge 1900 ]

"$CERES_TOP" -c "$FLEET_CFG" --once --fleet --panes health,alerts > "$FD/fleet.txt" 2>&1
RC=$?
check "text: exit 2 too (got $RC)" [ "$RC" -eq 2 ]
check "text: one section per site" bash -c "grep -c '^ceres-top \\(alpha\\|beta\\|gamma\\) ' '$FD/fleet.txt' | grep -qx 3"
check "text: the summary after the sites" bash -c "tail -5 '$FD/fleet.txt' | grep -q '^ceres-top fleet .*status: critical - 3 sites: 1 critical, 1 unknown, 1 ok'"
check "text: a row per site in the summary" bash -c "grep -Eq '^  gamma +unknown' '$FD/fleet.txt' && grep -Eq '^  alpha +critical +[0-9]+/[0-9]+ +1 ' '$FD/fleet.txt'"

"$CERES_TOP" -c "$FLEET_CFG" --once --fleet --format nagios --panes health,alerts > "$FD/fleet.nagios" 2>&1
RC=$?
check "nagios: one line, the worst state (exit $RC)" bash -c "[ $RC -eq 2 ] && [ \$(wc -l < '$FD/fleet.nagios') -eq 1 ] && grep -q '^CERES FLEET CRITICAL - 3 sites' '$FD/fleet.nagios'"
check "nagios: perfdata per site" bash -c "grep -q 'alpha_alerts_critical=1 ' '$FD/fleet.nagios' && grep -q 'beta_status=0;' '$FD/fleet.nagios' && grep -q 'gamma_status=3;' '$FD/fleet.nagios'"

"$CERES_TOP" -c "$FLEET_CFG" --once --fleet --site beta --format json > "$FD/beta.json" 2>/dev/null
RC=$?
check "--site beta narrows to one site, exit 0 (got $RC)" python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
assert [s["site"] for s in j["sites"]]==["beta"] and j["exit_code"]==0 and int(sys.argv[2])==0, j["summary"]' \
	"$FD/beta.json" "$RC"
"$CERES_TOP" -c "$FLEET_CFG" --once --fleet --site nowhere > /dev/null 2> "$FD/nowhere.err"
RC=$?
check "an unknown --site: exit 3 (got $RC)" [ "$RC" -eq 3 ]
check "an unknown --site: the one message --once gives" \
	grep -qx "ceres-top: $FLEET_CFG: unknown site nowhere" "$FD/nowhere.err"
"$CERES_TOP" -c "$FLEET_CFG" --once --fleet --format openmetrics > /dev/null 2>&1
RC=$?
check "--fleet with openmetrics is a usage error (got $RC)" [ "$RC" -eq 64 ]
finish
