#!/bin/bash
# The alerts answer read as it arrives (fake Alertmanager that dribbles a
# fixed answer in 97-byte pieces, SANDBOX_PORT_BASE+560): one malformed
# alert among valid ones is counted and skipped, the valid ones are shown
# (JSON and text); a truncated answer fails with the byte it stops at;
# [alertmanager] max_answer_mb caps the answer with the same error as
# before, and raising it lets the answer through.
. "$(dirname "$0")/../lib/common.sh"

PORT=$(( ${SANDBOX_PORT_BASE:-24000} + 560 ))
AM=http://127.0.0.1:$PORT
CFG=$TEST_TMP/stream.conf
J=$TEST_TMP/stream.json
ANSWER=$TEST_TMP/answer.json
FPID=""
trap '[ -n "$FPID" ] && kill "$FPID" 2>/dev/null && wait "$FPID" 2>/dev/null' EXIT

conf() {	# [extra alertmanager lines]
	printf '[ceres]\nsite = streamtest\ntimeout = 20\naudit_log = %s/audit.log\n\n[alertmanager]\nurl = %s\n%s' \
		"$TEST_TMP" "$AM" "${1:-}" > "$CFG"
	chmod 600 "$CFG"
}
once() { "$CERES_TOP" -c "$CFG" --once --panes alerts --format "$1" > "$2" 2> "$2.err"; }

# Three valid alerts, and between them one that is not JSON ("severity":
# with no value), with brackets, escaped quotes and multi-byte text in
# strings that must not confuse the framing.
python3 - "$ANSWER" <<'PY'
import json, sys
def alert(name, sev, summary):
    return {"labels": {"alertname": name, "severity": sev, "instance": "h:1"},
            "annotations": {"summary": summary}, "fingerprint": "%016x" % abs(hash(name)),
            "startsAt": "2026-01-01T00:00:00Z", "endsAt": "2099-01-01T00:00:00Z",
            "status": {"state": "active", "silencedBy": [], "inhibitedBy": []}, "receivers": [{"name": "r"}]}
good = [json.dumps(alert("StreamOne", "critical", "brackets ]}[{, and \"quotes\" \\ here"), ensure_ascii=False),
        json.dumps(alert("StreamTwo", "warning", "Zürich 🚨 日本語"), ensure_ascii=False),
        json.dumps(alert("StreamThree", "warning", "third"), ensure_ascii=False)]
bad = '{"labels": {"alertname": "Broken", "severity": }, "fingerprint": "bad"}'
open(sys.argv[1], "w", encoding="utf-8").write("[" + ",\n".join([good[0], bad, good[1], good[2]]) + "]\n")
PY
python3 "$TESTS_DIR/fakes/am_answer.py" --port "$PORT" --file "$ANSWER" --chunk 97 &
FPID=$!
check "fake Alertmanager on :$PORT" wait_for 30 curl -fsS --max-time 1 "$AM/__fake/ping"

conf
once json "$J"
rc=$?
check "one malformed alert among valid ones: the answer is used (exit 2, got $rc)" [ "$rc" -eq 2 ]
check "the three valid alerts are shown, the malformed one counted" python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
names=sorted(a["alertname"] for a in j["alerts"])
assert names==["StreamOne","StreamThree","StreamTwo"], names
assert j["alertmanager"]["malformed"]==1, j["alertmanager"]
s=[s for s in j["sources"] if s["name"]=="alerts"][0]; assert s["ok"], s
one=[a for a in j["alerts"] if a["alertname"]=="StreamOne"][0]
assert one["summary"]=="brackets ]}[{, and \"quotes\" \\ here", one["summary"]
two=[a for a in j["alerts"] if a["alertname"]=="StreamTwo"][0]
assert two["summary"]=="Zürich 🚨 日本語", two["summary"]' "$J"
once text "$TEST_TMP/stream.txt"
check "text output lists the valid alerts" grep -q StreamTwo "$TEST_TMP/stream.txt"
check "text output counts the malformed one" grep -q "malformed" "$TEST_TMP/stream.txt"

# Truncated in the middle of an alert: the same error as a whole-body parse.
head -c 700 "$ANSWER" > "$ANSWER.full" && mv "$ANSWER" "$ANSWER.orig" && mv "$ANSWER.full" "$ANSWER"
once json "$J"
rc=$?
check "a truncated answer fails the round (exit 3, got $rc)" [ "$rc" -eq 3 ]
check "with the byte where the unfinished alert starts" python3 -c '
import json,sys; j=json.load(open(sys.argv[1])); s=[s for s in j["sources"] if s["name"]=="alerts"][0]
assert not s["ok"] and "alerts: invalid JSON at byte " in s["error"], s' "$J"
mv "$ANSWER.orig" "$ANSWER"

# Over the cap: 1.2 MiB of valid alerts against max_answer_mb = 1.
python3 - "$ANSWER" <<'PY'
import json, sys
out = [{"labels": {"alertname": "Big%d" % i, "severity": "warning"}, "annotations": {"summary": "x" * 200},
        "fingerprint": "%016x" % i, "status": {"state": "active"}} for i in range(5000)]
json.dump(out, open(sys.argv[1], "w"))
PY
conf 'max_answer_mb = 1
'
once json "$J"
rc=$?
check "over max_answer_mb: exit 3 (got $rc)" [ "$rc" -eq 3 ]
check "over max_answer_mb: the cap's error" python3 -c '
import json,sys; j=json.load(open(sys.argv[1])); s=[s for s in j["sources"] if s["name"]=="alerts"][0]
assert "response larger than 1048576 bytes" in s["error"], s' "$J"
conf 'max_answer_mb = 2
'
once json "$J"
check "max_answer_mb = 2: all 5,000 alerts" python3 -c '
import json,sys; j=json.load(open(sys.argv[1])); assert len(j["alerts"])==5000, len(j["alerts"])' "$J"
conf 'max_answer_mb = 0
'
"$CERES_TOP" -c "$CFG" --once --panes alerts --format json > "$J" 2> "$J.err"
rc=$?
check "max_answer_mb = 0 is refused with a clear error (exit $rc)" grep -q "max_answer_mb" "$J.err"
finish
