#!/bin/bash
# The alerting strategy shipped in doc/: the Prometheus rules pass
# `promtool check rules` and fire as intended (`promtool test rules`); every
# rule has a severity, a summary, a runbook_url and a runbook page; the
# Alertmanager config passes `amtool check-config` and routes each severity
# where it should; and in a real Alertmanager (timers scaled down: 5 min ->
# 4 s, 15 min -> 8 s) a critical alert goes to chat at once, then Telegram
# and SMS, then a phone call, unless acknowledged first; a warning only
# reaches chat; a critical alert inhibits the warning of the same rule.
. "$(dirname "$0")/../lib/common.sh"
sandbox_env
. "$(dirname "$0")/alerts-lib.sh"

ROOT=$(cd "$TESTS_DIR/.." && pwd)
RULES=$ROOT/doc/examples/ceres-alerts.yml
AMCFG=$ROOT/doc/examples/alertmanager.yml
RECV_PID=""
# quiet CMD...: run a tool, show its output (as diagnostics) only on failure.
quiet() { local out; out=$("$@" 2>&1) && return 0; echo "$out" | sed 's/^/# /'; return 1; }
trap 'am_stop esc; [ -n "$RECV_PID" ] && kill "$RECV_PID" 2>/dev/null && wait "$RECV_PID" 2>/dev/null' EXIT

check "promtool check rules doc/examples/ceres-alerts.yml" quiet promtool check rules "$RULES"
check "promtool test rules: every rule fires on its condition, at its severity" \
	quiet bash -c 'cd "$1" && promtool test rules alerts_rules.promtest.yml' _ "$TESTS_DIR/integration"
check "amtool check-config doc/examples/alertmanager.yml" quiet amtool check-config "$AMCFG"
check "the sandbox test rules pass promtool too" quiet promtool check rules "$ALERTS_RULES_SRC"

check "rules cover CPU, memory, disk, service down, DB pool, API latency" python3 -c '
import yaml,sys
names={r["alert"] for g in yaml.safe_load(open(sys.argv[1]))["groups"] for r in g["rules"]}
want={"HostHighCpuUsage","HostHighMemoryUsage","HostDiskSpaceLow","ServiceDown","DatabaseConnectionPoolExhausted","ApiLatencyHigh"}
assert want <= names, want - names' "$RULES"
check "every rule: severity critical|warning, one-line summary, runbook_url to its page" python3 -c '
import yaml,sys
for g in yaml.safe_load(open(sys.argv[1]))["groups"]:
    for r in g["rules"]:
        a=r["alert"]; l=r.get("labels",{}); an=r.get("annotations",{})
        assert l.get("severity") in ("critical","warning"), a
        assert an.get("summary") and "\n" not in an["summary"].strip(), a
        assert an.get("runbook_url","").endswith("/runbooks/"+a), a
        assert an.get("description"), a' "$RULES"
check "a runbook page per alert: meaning, diagnose, fix, verify" python3 -c '
import yaml,sys,os
for g in yaml.safe_load(open(sys.argv[1]))["groups"]:
    for r in g["rules"]:
        p=os.path.join(sys.argv[2], r["alert"]+".md"); t=open(p).read()
        for h in ("# "+r["alert"], "## What it means", "## Diagnose on Ceres", "## Fix", "## Verify"):
            assert h in t, (p, h)' "$RULES" "$ROOT/doc/runbooks"
check "the sandbox test rules carry the example rules verbatim" python3 -c '
import sys
ex=open(sys.argv[1]).read(); t=open(sys.argv[2]).read()
body=ex[ex.index("groups:\n")+len("groups:\n"):]
assert body in t, "tests/sandbox/alerts-test-rules.yml differs from doc/examples/ceres-alerts.yml"' "$RULES" "$ALERTS_RULES_SRC"

routes() { amtool config routes test --config.file="$AMCFG" "$@" 2>/dev/null; }
check "critical: chat, then Telegram/SMS, then phone" [ "$(routes severity=critical alertname=X)" = "chat-ops-critical,telegram-sms-oncall,phone-oncall" ]
check "warning: chat (with e-mail copy)" [ "$(routes severity=warning alertname=X)" = "chat-ops" ]
check "anything else: e-mail fallback" [ "$(routes severity=info alertname=X)" = "email-ops" ]

# ---- the escalation in a real Alertmanager, timers scaled down
RPORT=$((ALERTS_PORT_BASE + 21))
APORT=$((ALERTS_PORT_BASE + 22))
AM=http://127.0.0.1:$APORT
LOG=$TEST_TMP/notifications.log
cat > "$TEST_TMP/recv.py" <<'EOF'
import json, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
port, log = int(sys.argv[1]), sys.argv[2]
class H(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8", "replace")
        with open(log, "a") as f:
            f.write(json.dumps({"t": time.time(), "path": self.path, "body": body}) + "\n")
        out = b"ok"
        if "/telegram/" in self.path:
            out = json.dumps({"ok": True, "result": {"message_id": 1, "date": int(time.time()),
                              "chat": {"id": -1001234567890, "type": "supergroup"}}}).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(out))); self.end_headers()
        self.wfile.write(out)
    def log_message(self, *a): pass
ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
EOF
python3 "$TEST_TMP/recv.py" "$RPORT" "$LOG" &
RECV_PID=$!
mkdir -p "$TEST_TMP/secrets"
echo "http://127.0.0.1:$RPORT/chat" > "$TEST_TMP/secrets/chat.url"
echo "unused" > "$TEST_TMP/secrets/smtp"
python3 - "$AMCFG" "$TEST_TMP/esc.yml" "$RPORT" "$TEST_TMP" <<'EOF'
import yaml, sys
cfg = yaml.safe_load(open(sys.argv[1])); port = sys.argv[3]; tmp = sys.argv[4]
scale = {"10s": "1s", "30s": "1s", "1m": "2s", "5m": "4s", "15m": "8s"}
def walk(r):
    if r.get("group_wait") in scale:
        r["group_wait"] = scale[r["group_wait"]]
    for c in r.get("routes", []):
        walk(c)
walk(cfg["route"])
g = cfg["global"]
g["smtp_smarthost"] = "127.0.0.1:9"          # e-mail fails locally, nothing leaves the host
g["smtp_auth_password_file"] = tmp + "/secrets/smtp"
g["smtp_require_tls"] = False
g["telegram_api_url"] = "http://127.0.0.1:%s/telegram" % port
cfg["templates"] = []
for r in cfg["receivers"]:
    for s in r.get("slack_configs", []):
        s["api_url_file"] = tmp + "/secrets/chat.url"
    for w in r.get("webhook_configs", []):
        w["url"] = "http://127.0.0.1:%s/%s" % (port, "sms" if "sms" in w["url"] else "call")
yaml.safe_dump(cfg, open(sys.argv[2], "w"))
EOF
check "escalation config: the shipped one with timers scaled" quiet amtool check-config "$TEST_TMP/esc.yml"
check "Alertmanager with the shipped config on :$APORT" am_start esc "$APORT" "$TEST_TMP/esc.yml"
python3 - "$TEST_TMP/esc-alerts.json" <<'EOF'
import json, sys, datetime
n = datetime.datetime.now(datetime.timezone.utc); f = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
A = lambda name, sev, inst: {"labels": {"alertname": name, "severity": sev, "instance": inst},
     "annotations": {"summary": name + " test", "runbook_url": "https://wiki.ceres.example/runbooks/" + name},
     "startsAt": f(n), "endsAt": f(n + datetime.timedelta(minutes=10))}
json.dump([A("EscUnacked", "critical", "h1"), A("EscAcked", "critical", "h2"), A("EscWarning", "warning", "h3"),
           A("HostDiskSpaceLow", "critical", "h4"), A("HostDiskSpaceLow", "warning", "h4")], open(sys.argv[1], "w"))
EOF
T0=$(date +%s.%N)
check "posted 2 critical, 1 warning and a critical+warning pair" am_post "$AM" "$TEST_TMP/esc-alerts.json"
# first(PATH, NAME): seconds from the post to the first notification.
first() { python3 -c '
import json,sys
t=[json.loads(l)["t"] for l in open(sys.argv[1]) if json.loads(l)["path"].startswith(sys.argv[2]) and sys.argv[3] in json.loads(l)["body"]]
sys.exit(1) if not t else print("%.1f" % (min(t)-float(sys.argv[4])))' "$LOG" "$1" "$2" "$T0" 2>/dev/null; }
got() { first "$1" "$2" >/dev/null; }
check "acked alert reaches chat at once" wait_for 10 got /chat EscAcked
python3 -c '
import json,sys,datetime
n=datetime.datetime.now(datetime.timezone.utc); f=lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
json.dump({"matchers":[{"name":"alertname","value":"EscAcked","isRegex":False,"isEqual":True}],"startsAt":f(n),
  "endsAt":f(n+datetime.timedelta(minutes=15)),"createdBy":"ops@ceres","comment":"ack"}, open(sys.argv[1],"w"))' "$TEST_TMP/ack.json"
ack_it() { am_silence "$AM" "$TEST_TMP/ack.json" >/dev/null; }
check "acknowledged it (15-minute silence, comment ack)" ack_it
check "unacked critical: phone call within the (scaled) 15 minutes" wait_for 20 got /call EscUnacked
c=$(first /chat EscUnacked); tg=$(first /telegram EscUnacked); s=$(first /sms EscUnacked); p=$(first /call EscUnacked)
diag "EscUnacked: chat ${c}s, telegram ${tg}s, sms ${s}s, phone ${p}s (scaled: 0 / 5 min / 15 min)"
check "order: chat first, Telegram and SMS after ~4 s, phone after ~8 s" python3 -c '
import sys; c,tg,s,p=map(float,sys.argv[1:5])
assert c < 3, c
assert 3 <= tg < p and 3 <= s < p, (tg, s, p)
assert 7 <= p, p' "${c:-99}" "${tg:-99}" "${s:-99}" "${p:-0}"
check "acknowledged critical: no Telegram, SMS or phone" bash -c '! grep -E "\"path\": \"/(telegram|sms|call)" "$1" | grep -q EscAcked' _ "$LOG"
check "warning: chat only" bash -c 'grep "\"path\": \"/chat\"" "$1" | grep -q EscWarning && ! grep -E "\"path\": \"/(telegram|sms|call)" "$1" | grep -q EscWarning' _ "$LOG"
check "critical disk alert inhibits the warning on the same instance" python3 -c '
import json,sys,urllib.request
a=json.load(urllib.request.urlopen(sys.argv[1]+"/api/v2/alerts"))
w=[x for x in a if x["labels"]["alertname"]=="HostDiskSpaceLow" and x["labels"]["severity"]=="warning"][0]
assert w["status"]["state"]=="suppressed" and w["status"]["inhibitedBy"], w["status"]' "$AM"

finish
