#!/bin/bash
# HA: [alertmanager] url lists several peers; the first healthy one answers.
# With the sandbox's first Alertmanager stopped the alerts still come, from
# the second, and the snapshot says which peer answered and why the first
# did not.  Peers that hang or answer errors are skipped within --timeout;
# when every peer fails the source is unreachable (exit 3, alerts only).
. "$(dirname "$0")/../lib/common.sh"
sandbox_env
. "$(dirname "$0")/alerts-lib.sh"

CFG=$SANDBOX_DIR/config
J=$TEST_TMP/ha.json
STUB_PID=""
AM1_STOPPED=0

restore_am1() {
	[ "$AM1_STOPPED" = 1 ] || return 0
	"$TESTS_DIR/sandbox/sandbox.sh" restart-one "$SANDBOX_DIR" alertmanager >/dev/null 2>&1
	wait_for 30 curl -fsS --max-time 1 "$AM1/-/ready" && AM1_STOPPED=0
}
cleanup() {
	restore_am1
	resolve_alerts "$AM1" "$TEST_TMP/ha1.json"
	resolve_alerts "$AM2" "$TEST_TMP/ha2.json"
	[ -n "$STUB_PID" ] && kill "$STUB_PID" 2>/dev/null && wait "$STUB_PID" 2>/dev/null
	restore_test_rules
}
trap cleanup EXIT

check "the test rule CeresTestCritical is loaded in Prometheus" ensure_test_rules
in_am2() { curl -fsS --max-time 2 "$AM2/api/v2/alerts" | grep -q '"CeresTestCritical"'; }
check "Prometheus also sends to the second peer" wait_for 45 in_am2

# A critical alert in both peers that does not depend on Prometheus' timing.
post_both() {
	post_alerts "$AM1" "$TEST_TMP/ha1.json" CeresHaCritical critical &&
		post_alerts "$AM2" "$TEST_TMP/ha2.json" CeresHaCritical critical
}
check "posted CeresHaCritical to both peers" post_both
once_json "$J" -c "$CFG"
check "both peers up: the first answers" python3 -c '
import json,sys; j=json.load(open(sys.argv[1])); am=j["alertmanager"]
assert am["peer"]=="http://127.0.0.1:%s" % sys.argv[2], am' "$J" "$AM_PORT"

# ---- stop the first peer
"$TESTS_DIR/sandbox/sandbox.sh" stop-one "$SANDBOX_DIR" alertmanager >/dev/null 2>&1
AM1_STOPPED=1
check "first peer is down" bash -c "! curl -fsS --max-time 1 '$AM1/-/ready' >/dev/null 2>&1"
t0=$(date +%s%N)
once_json "$J" -c "$CFG"
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "alerts still shown: exit 2 from the critical alert (got $rc)" [ "$rc" -eq 2 ]
check "the second peer answered; the first one's error is reported" python3 -c '
import json,sys; j=json.load(open(sys.argv[1])); am=j["alertmanager"]
assert am["peer"]=="http://127.0.0.1:%s" % sys.argv[2], am
p0, p1 = am["peers"]
assert p0["asked"] and not p0["answered"] and p0["error"], p0
assert p1["asked"] and p1["answered"] and p1["error"] is None, p1
names={a["alertname"] for a in j["alerts"]}
assert "CeresHaCritical" in names, names
s=[s for s in j["sources"] if s["name"]=="alerts"][0]
assert s["ok"], s' "$J" "$AM2_PORT"
check "failover was quick (${ms} ms < 3000)" [ "$ms" -lt 3000 ]
check "what Prometheus sends the second peer is there too" once_until "$J" CeresTestCritical -c "$CFG"
"$CERES_TOP" -c "$CFG" --once --panes alerts > "$TEST_TMP/ha.txt"
check "text names the answering peer" grep -qF "via http://127.0.0.1:$AM2_PORT" "$TEST_TMP/ha.txt"

restore_am1
check "first peer restored" curl -fsS --max-time 2 -o /dev/null "$AM1/-/ready"
back_to_first() { once_json "$J" -c "$CFG"; python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j["alertmanager"]["peer"]=="http://127.0.0.1:%s" % sys.argv[2] else 1)' "$J" "$AM_PORT"; }
check "with the first peer back, it answers again" wait_for 20 back_to_first

# restart-one re-renders Prometheus' rules from $SANDBOX_RULES: make sure
# the test rule is (still) there before relying on it again.
check "the test rule is still loaded after the restart" ensure_test_rules
check "and its alert is in the second peer" wait_for 45 in_am2

# ---- peers that hang or answer garbage are skipped
HUNG=$((ALERTS_PORT_BASE + 10))
BAD=$((ALERTS_PORT_BASE + 11))
cat > "$TEST_TMP/stub.py" <<'EOF'
import socket, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
hung, bad = int(sys.argv[1]), int(sys.argv[2])
held = []
def hang():
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", hung)); s.listen(16)
    while True:
        c, _ = s.accept(); held.append(c)      # accept, never answer
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'"internal error: \\u001b[31mboom"' if self.path.startswith("/api/v2/alerts") else b"[]"
        self.send_response(500 if self.path.startswith("/api/v2/alerts") else 200)
        self.send_header("Content-Type", "application/json"); self.send_header("Content-Length", str(len(body)))
        self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
threading.Thread(target=hang, daemon=True).start()
ThreadingHTTPServer(("127.0.0.1", bad), H).serve_forever()
EOF
python3 "$TEST_TMP/stub.py" "$HUNG" "$BAD" > "$TEST_TMP/stub.log" 2>&1 &
STUB_PID=$!
check "stub peers listening" wait_for 30 curl -fsS --max-time 1 -o /dev/null "http://127.0.0.1:$BAD/other"
sed -e '/^\[alertmanager\]/,/^$/d' "$CFG" > "$TEST_TMP/bad.conf"
printf '\n[alertmanager]\nurl = http://127.0.0.1:%s http://127.0.0.1:%s %s\ntimeout = 1\n' "$HUNG" "$BAD" "$AM2" >> "$TEST_TMP/bad.conf"
chmod 600 "$TEST_TMP/bad.conf"
t0=$(date +%s%N)
once_json "$J" -c "$TEST_TMP/bad.conf"
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "hung and failing peers skipped: exit 2 (got $rc) in ${ms} ms" [ "$rc" -eq 2 -a "$ms" -lt 4000 ]
check "the third peer answered; timeout and HTTP 500 reported, terminal-safe" python3 -c '
import json,sys; j=json.load(open(sys.argv[1])); am=j["alertmanager"]
assert am["peer"]=="http://127.0.0.1:%s" % sys.argv[2], am
p=am["peers"]
assert "imed out" in p[0]["error"] or "imeout" in p[0]["error"], p[0]
assert p[1]["error"].startswith("HTTP 500: internal error: \u241b[31mboom"), p[1]
assert p[2]["answered"], p[2]' "$J" "$AM2_PORT"

# A long per-request timeout does not let a hung first peer use up the
# whole --once deadline: each peer still to be asked gets its share.
sed -e '/^\[alertmanager\]/,/^$/d' "$CFG" > "$TEST_TMP/slow.conf"
printf '\n[alertmanager]\nurl = http://127.0.0.1:%s %s\ntimeout = 30\n' "$HUNG" "$AM2" >> "$TEST_TMP/slow.conf"
chmod 600 "$TEST_TMP/slow.conf"
t0=$(date +%s%N)
once_json "$J" -c "$TEST_TMP/slow.conf" --timeout 4
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "hung first peer, timeout 30, --timeout 4: the second still answers (exit $rc, ${ms} ms)" \
	[ "$rc" -eq 2 -a "$ms" -lt 4000 ]
check "  and the snapshot says so" python3 -c '
import json,sys; j=json.load(open(sys.argv[1])); am=j["alertmanager"]
assert am["peer"]=="http://127.0.0.1:%s" % sys.argv[2] and am["peers"][0]["error"], am' "$J" "$AM2_PORT"

printf '\n[alertmanager]\nurl = http://127.0.0.1:%s http://127.0.0.1:%s\ntimeout = 1\n' "$HUNG" "$BAD" > "$TEST_TMP/allbad.tail"
sed -e '/^\[alertmanager\]/,/^$/d' "$CFG" > "$TEST_TMP/allbad.conf"
cat "$TEST_TMP/allbad.tail" >> "$TEST_TMP/allbad.conf"
chmod 600 "$TEST_TMP/allbad.conf"
once_json "$J" -c "$TEST_TMP/allbad.conf"
rc=$?
check "every peer failing: unknown, exit 3 (got $rc)" [ "$rc" -eq 3 ]
check "the source error names every peer" python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
s=[s for s in j["sources"] if s["name"]=="alerts"][0]
assert not s["ok"] and sys.argv[2] in s["error"] and sys.argv[3] in s["error"], s
assert j["alerts"]==[] and j["alertmanager"]["peer"] is None, j["alertmanager"]' "$J" "$HUNG" "$BAD"

finish
