#!/bin/bash
# --once for the alerts pane against the sandbox's real Prometheus and
# Alertmanager: the rule that fires at once (CeresTestCritical) shows up in
# JSON with exit code 2; alerts posted straight to Alertmanager with escape
# sequences (SGR, OSC 52, OSC 0), bidi overrides and unicode in labels come
# back intact in JSON and terminal-safe in text; a silence shows up as
# state suppressed with silenced_by, in the silences list and perfdata.
. "$(dirname "$0")/../lib/common.sh"
sandbox_env
. "$(dirname "$0")/alerts-lib.sh"

CFG=$SANDBOX_DIR/config
J=$TEST_TMP/alerts.json
TID=once-$$-$RANDOM
SIL=""

cleanup() {
	# Resolve what we posted, expire our silence, put the rules back.
	if [ -f "$TEST_TMP/hostile.json" ]; then
		python3 -c '
import json,sys,datetime
a=json.load(open(sys.argv[1]))
a[0]["endsAt"]=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
json.dump(a, open(sys.argv[2], "w"))' "$TEST_TMP/hostile.json" "$TEST_TMP/resolve.json" &&
		am_post "$AM1" "$TEST_TMP/resolve.json"
	fi
	[ -n "$SIL" ] && am_expire "$AM1" "$SIL"
	restore_test_rules
}
trap cleanup EXIT

check "the test rule CeresTestCritical is loaded in Prometheus" ensure_test_rules
check "CeresTestCritical reaches --once (rule fires at once)" once_until "$J" CeresTestCritical -c "$CFG"
rc=$ONCE_RC
check "a firing critical alert: exit code 2 (got $rc)" [ "$rc" -eq 2 ]
check "status critical, summary counts critical alerts" python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
assert j["status"]=="critical", j["status"]
assert "critical alert" in j["summary"], j["summary"]' "$J"
check "CeresTestCritical has every snapshot field" python3 -c '
import json,sys; j=json.load(open(sys.argv[1])); port=sys.argv[2]
a=[a for a in j["alerts"] if a["alertname"]=="CeresTestCritical"][0]
for k in ("fingerprint","alertname","severity","state","silenced_by","inhibited_by","starts_at","summary","labels","annotations"):
    assert k in a, k
assert a["severity"]=="critical" and a["state"]=="active", a
assert a["labels"]["alertname"]=="CeresTestCritical" and a["labels"]["severity"]=="critical"
assert a["summary"].startswith("Sandbox test alert: critical"), a["summary"]
assert a["annotations"]["runbook_url"].startswith("http://"), a["annotations"]
assert a["generator_url"].startswith("http://127.0.0.1:%s/" % port), a["generator_url"]
assert len(a["fingerprint"])==16 and a["starts_at"].startswith("20"), a
assert a["silenced_by"]==[] and a["inhibited_by"]==[]' "$J" "$PROM_PORT"
check "critical alerts come before warnings" python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
sev=[a["severity"] for a in j["alerts"]]
assert sev.index("critical") < sev.index("warning") if "warning" in sev else True, sev' "$J"
check "the answering peer is the first one, both peers listed" python3 -c '
import json,sys; j=json.load(open(sys.argv[1])); am=j["alertmanager"]
assert am["peer"]=="http://127.0.0.1:%s" % sys.argv[2], am
assert len(am["peers"])==2 and am["peers"][0]["answered"] and not am["peers"][1]["asked"], am
s=[s for s in j["sources"] if s["name"]=="alerts"][0]
assert s["ok"] and s["error"] is None, s' "$J" "$AM_PORT"
check "nothing on stderr" [ ! -s "$J.err" ]

nagios_crit() {
	"$CERES_TOP" -c "$CFG" --once --panes alerts --format nagios > "$TEST_TMP/nagios.txt" &&
		return 1	# exit 0: not critical
	grep -qE '^CERES CRITICAL - .*critical alert.* \| .*alerts_critical=[1-9][0-9]* alerts_warning=[0-9]+ alerts_silenced=[0-9]+' "$TEST_TMP/nagios.txt"
}
check "nagios: CRITICAL with alerts perfdata" wait_for 20 nagios_crit

text_grouped() {
	"$CERES_TOP" -c "$CFG" --once --panes alerts > "$TEST_TMP/once.txt"
	python3 -c '
import sys; t=open(sys.argv[1], encoding="utf-8").read().splitlines()
g=[l for l in t if l.startswith("  critical ") or l.startswith("  warning ")]
assert g and g[0].startswith("  critical  CeresTestCritical"), g' "$TEST_TMP/once.txt"
}
check "text: grouped list, critical group first" wait_for 20 text_grouped

# ---- hostile strings straight into Alertmanager
python3 - "$TID" "$TEST_TMP" <<'EOF'
import json, sys, datetime
tid, tmp = sys.argv[1], sys.argv[2]
now = datetime.datetime.now(datetime.timezone.utc)
iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.000Z")
labels = {
    "alertname": "CeresHostile\u001b[5mBlink",
    "severity": "warning",
    "test_id": tid,
    "sgr": "\u001b[31mred\u001b[0m",
    "osc52": "\u001b]52;c;ZWNobyBoYWNrZWQ=\u0007",
    "uni": "Zürich データ 🚨 Ωμέγα",
    "rtl": "abc\u202edef",
    "nl": "line1\nline2\ttab",
    "quote": "say \"hi\" \\ back",
}
ann = {"summary": "\u001b]0;pwned\u0007 title and \u001b[2J clear",
       "description": "long " * 1000, "runbook_url": "https://wiki.example/runbooks/\u00fc"}
alert = {"labels": labels, "annotations": ann, "startsAt": iso(now), "endsAt": iso(now + datetime.timedelta(minutes=10))}
json.dump([alert], open(tmp + "/hostile.json", "w"))
json.dump({"labels": labels, "annotations": ann}, open(tmp + "/hostile.expect.json", "w"))
EOF
check "posted an alert with escape sequences to Alertmanager" am_post "$AM1" "$TEST_TMP/hostile.json"
hostile_in() { once_json "$J" -c "$CFG"; python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if any(a["labels"].get("test_id")==sys.argv[2] for a in j["alerts"]) else 1)' "$J" "$TID"; }
check "the posted alert is in --once JSON" wait_for 15 hostile_in
check "JSON: labels and annotations intact, byte for byte" python3 -c '
import json,sys; j=json.load(open(sys.argv[1])); exp=json.load(open(sys.argv[2]))
a=[a for a in j["alerts"] if a["labels"].get("test_id")==sys.argv[3]][0]
assert a["labels"]==exp["labels"], (a["labels"], exp["labels"])
assert a["annotations"]==exp["annotations"]
assert a["alertname"]==exp["labels"]["alertname"] and a["summary"]==exp["annotations"]["summary"]' "$J" "$TEST_TMP/hostile.expect.json" "$TID"

"$CERES_TOP" -c "$CFG" --once --panes alerts > "$TEST_TMP/hostile.txt"
check "text: the alert is listed" grep -q "CeresHostile" "$TEST_TMP/hostile.txt"
check "text: no ESC, BEL or other control byte" bash -c "! LC_ALL=C grep -q \$'[\x01-\x08\x0b-\x1f\x7f]' '$TEST_TMP/hostile.txt'"
check "text: escapes shown visibly (SGR, OSC 52, OSC 0)" bash -c '
f=$1; grep -qF "␛[31mred␛[0m" "$f" && grep -qF "␛]52;c;ZWNobyBoYWNrZWQ=␇" "$f" && grep -qF "␛]0;pwned␇" "$f" && grep -qF "CeresHostile␛[5mBlink" "$f"' _ "$TEST_TMP/hostile.txt"
check "text: unicode kept, bidi override neutralised" bash -c '
f=$1; grep -qF "Zürich データ 🚨 Ωμέγα" "$f" && grep -qF "<U+202E>" "$f" && ! grep -qF $'"'"'\xe2\x80\xae'"'"' "$f"' _ "$TEST_TMP/hostile.txt"
check "text: newline inside a label stays on one line" grep -qF 'line1␊line2 tab' "$TEST_TMP/hostile.txt"

# ---- a silence: state suppressed, silenced_by, counted in the silences list
python3 - "$TID" "$TEST_TMP" <<'EOF'
import json, sys, datetime
tid, tmp = sys.argv[1], sys.argv[2]
now = datetime.datetime.now(datetime.timezone.utc)
json.dump({"matchers": [{"name": "test_id", "value": tid, "isRegex": False, "isEqual": True}],
           "startsAt": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
           "endsAt": (now + datetime.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
           "createdBy": "test_alerts_once", "comment": "Wartung \u001b[1mbold\u001b[0m"}, open(tmp + "/silence.json", "w"))
EOF
SIL=$(am_silence "$AM1" "$TEST_TMP/silence.json")
check "created a silence through the API ($SIL)" [ -n "$SIL" ]
silenced() { once_json "$J" -c "$CFG"; python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); a=[a for a in j["alerts"] if a["labels"].get("test_id")==sys.argv[2]]; sys.exit(0 if a and a[0]["state"]=="suppressed" else 1)' "$J" "$TID"; }
check "the alert becomes suppressed" wait_for 15 silenced
check "JSON: silenced_by names the silence; the silence counts it" python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
a=[a for a in j["alerts"] if a["labels"].get("test_id")==sys.argv[2]][0]
assert a["silenced_by"]==[sys.argv[3]] and a["display_state"]=="silenced", a
s=[s for s in j["silences"] if s["id"]==sys.argv[3]][0]
assert s["state"]=="active" and s["silencing"]==1 and s["created_by"]=="test_alerts_once", s
assert s["comment"]=="Wartung \x1b[1mbold\x1b[0m", s["comment"]
assert s["matchers"]==[{"name":"test_id","value":sys.argv[2],"isRegex":False,"isEqual":True}], s' "$J" "$TID" "$SIL"
"$CERES_TOP" -c "$CFG" --once --panes alerts > "$TEST_TMP/silenced.txt"
check "text: who silenced it, terminal-safe" bash -c '
f=$1; grep -qF "silenced by $2 (test_alerts_once: Wartung ␛[1mbold␛[0m)" "$f" && ! LC_ALL=C grep -q $'"'"'\x1b'"'"' "$f"' _ "$TEST_TMP/silenced.txt" "$SIL"
"$CERES_TOP" -c "$CFG" --once --panes alerts --format nagios > "$TEST_TMP/nagios.txt"
check "nagios: alerts_silenced counts it" grep -qE 'alerts_silenced=[1-9]' "$TEST_TMP/nagios.txt"

finish
