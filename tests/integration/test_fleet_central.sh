#!/bin/bash
# A central engine shared by two sites: a real Prometheus and a real
# Alertmanager started with --web.route-prefix, behind a gateway stand-in
# (tests/fakes/tenant_proxy.py) that refuses any request without an
# allowed X-Scope-OrgID.  Sites berlin and paris are two tenants with an
# [alertmanager] filter each: --once --site X shows only X's alerts, and
# every request (health, alerts, silences, readiness) carries the path
# prefix and X's tenant.  A silence made in the console for berlin carries
# berlin's matcher even with that label unticked, and berlin's tenant.
# Over 10 poll rounds the console opens no new connection to the gateway.
# Behind a gateway that, like Grafana Mimir's, serves the Prometheus query
# API but neither /-/ready nor /api/v1/targets, Prometheus is judged by
# the query up (its series the target rows), and only the first round
# asks /-/ready; its Alertmanager without /-/ready by its status API.
# Behind an HTTPS gateway that demands a client certificate, ca_file,
# cert_file and key_file get the same answers; without them the TLS error
# shows.  Ports: the sandbox base (or CERES_TEST_PORT_BASE) + 700..705; needs no
# sandbox of its own.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"

BASE=$(( ${SANDBOX_PORT_BASE:-${CERES_TEST_PORT_BASE:-35000}} + 700 ))
AM_PORT=$BASE
PROM_PORT=$((BASE + 1))
GW_PORT=$((BASE + 2))
CTL_PORT=$((BASE + 3))
TLS_PORT=$((BASE + 4))
TLS_CTL_PORT=$((BASE + 5))
MIMIR_PORT=$((BASE + 6))
MIMIR_CTL_PORT=$((BASE + 7))
AM=http://127.0.0.1:$AM_PORT/alertmanager
GW=http://127.0.0.1:$GW_PORT
CTL=http://127.0.0.1:$CTL_PORT
D=$TEST_TMP/central
mkdir -p "$D/am" "$D/prom" "$D/home" "$D/xdg-config" "$D/xdg-state" "$D/xdg-data"
export HOME=$D/home XDG_CONFIG_HOME=$D/xdg-config XDG_STATE_HOME=$D/xdg-state XDG_DATA_HOME=$D/xdg-data
export USER=ceres-fleet-test
PIDS=()

cleanup() {
	tui_stop
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
}
trap cleanup EXIT

cat > "$D/am.yml" <<EOF
route: {receiver: null-rcv, group_by: [alertname], group_wait: 1s, group_interval: 5s}
receivers: [{name: null-rcv}]
EOF
cat > "$D/prom.yml" <<EOF
global: {scrape_interval: 2s, evaluation_interval: 1s}
scrape_configs:
  - job_name: prometheus
    metrics_path: /prometheus/metrics
    static_configs: [{targets: ['127.0.0.1:$PROM_PORT']}]
EOF
prometheus-alertmanager --config.file="$D/am.yml" --storage.path="$D/am" \
	--web.listen-address=127.0.0.1:$AM_PORT --web.route-prefix=/alertmanager \
	--cluster.listen-address= > "$D/am.log" 2>&1 &
PIDS+=($!)
prometheus --config.file="$D/prom.yml" --storage.tsdb.path="$D/prom" \
	--web.listen-address=127.0.0.1:$PROM_PORT --web.route-prefix=/prometheus > "$D/prom.log" 2>&1 &
PIDS+=($!)
python3 "$TESTS_DIR/fakes/tenant_proxy.py" --port "$GW_PORT" --control-port "$CTL_PORT" --tenants berlin,paris \
	--route "/prometheus=127.0.0.1:$PROM_PORT" --route "/alertmanager=127.0.0.1:$AM_PORT" \
	> "$D/proxy.log" 2>&1 &
PIDS+=($!)
# A CA, the gateway's certificate for 127.0.0.1, a client certificate.
mkcerts() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=ceres-test-ca \
		-keyout "$D/ca.key" -out "$D/ca.pem" &&
	openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$D/srv.key" -out "$D/srv.csr" &&
	printf 'subjectAltName=IP:127.0.0.1\n' > "$D/srv.ext" &&
	openssl x509 -req -in "$D/srv.csr" -CA "$D/ca.pem" -CAkey "$D/ca.key" -CAcreateserial \
		-days 2 -extfile "$D/srv.ext" -out "$D/srv.pem" &&
	openssl req -newkey rsa:2048 -nodes -subj /CN=ceres-top -keyout "$D/client.key" -out "$D/client.csr" &&
	openssl x509 -req -in "$D/client.csr" -CA "$D/ca.pem" -CAkey "$D/ca.key" -CAcreateserial \
		-days 2 -out "$D/client.pem"
} 
check "test certificates made" bash -c "$(declare -f mkcerts); D='$D' mkcerts >'$D/certs.log' 2>&1"
python3 "$TESTS_DIR/fakes/tenant_proxy.py" --port "$TLS_PORT" --control-port "$TLS_CTL_PORT" \
	--tenants berlin --tls-cert "$D/srv.pem" --tls-key "$D/srv.key" --client-ca "$D/ca.pem" \
	--route "/prometheus=127.0.0.1:$PROM_PORT" --route "/alertmanager=127.0.0.1:$AM_PORT" \
	> "$D/tls-proxy.log" 2>&1 &
PIDS+=($!)
python3 "$TESTS_DIR/fakes/tenant_proxy.py" --port "$MIMIR_PORT" --control-port "$MIMIR_CTL_PORT" \
	--tenants munich --route "/prometheus=127.0.0.1:$PROM_PORT" --route "/alertmanager=127.0.0.1:$AM_PORT" \
	--not-found '^/prometheus/-/' --not-found '^/prometheus/api/v1/targets' --not-found '^/alertmanager/-/' \
	> "$D/mimir-proxy.log" 2>&1 &
PIDS+=($!)
check "Alertmanager up under /alertmanager" wait_for 30 curl -fsS "$AM/-/ready"
check "Prometheus up under /prometheus" wait_for 30 curl -fsS "http://127.0.0.1:$PROM_PORT/prometheus/-/ready"
check "the gateway is up" wait_for 20 curl -fsS "$CTL/__proxy/log"
check "the gateway refuses a request without a tenant" \
	bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' '$GW/alertmanager/-/ready')\" = 401 ]"
check "and passes one with a tenant" curl -fsS -o /dev/null -H 'X-Scope-OrgID: berlin' "$GW/alertmanager/-/ready"
target_up() { curl -fsS "http://127.0.0.1:$PROM_PORT/prometheus/api/v1/targets" | grep -q '"health":"up"'; }
check "Prometheus scrapes itself" wait_for 30 target_up

# One Alertmanager, the alerts of both sites in it.
python3 - "$D/alerts.json" <<'EOF'
import json, sys, datetime
n = datetime.datetime.now(datetime.timezone.utc); f = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
a = [{"labels": {"alertname": "CeresFleetBerlin", "severity": "critical", "site": "berlin"},
      "annotations": {"summary": "berlin is down"}, "startsAt": f(n), "endsAt": f(n + datetime.timedelta(hours=1))},
     {"labels": {"alertname": "CeresFleetParis", "severity": "warning", "site": "paris"},
      "annotations": {"summary": "paris is slow"}, "startsAt": f(n), "endsAt": f(n + datetime.timedelta(hours=1))}]
json.dump(a, open(sys.argv[1], "w"))
EOF
check "posted one alert per site" curl -fsS -XPOST -H 'Content-Type: application/json' \
	--data-binary @"$D/alerts.json" "$AM/api/v2/alerts"

CFG=$D/config
cat > "$CFG" <<EOF
[ceres]
interval = 1
timeout = 5
audit_log = $D/audit.log
state_dir = $D/state
[prometheus]
url = $GW/prometheus/
[alertmanager]
url = $GW/alertmanager
[site "berlin"]
prometheus.org_id = berlin
alertmanager.org_id = berlin
alertmanager.filter = site="berlin"
[site "paris"]
prometheus.org_id = paris
alertmanager.org_id = paris
alertmanager.filter = {site = "paris"}
EOF
for site in secure nocert; do
	TLS=https://127.0.0.1:$TLS_PORT
	printf '[site "%s"]\n' "$site"
	for sec in prometheus alertmanager; do
		printf '%s.url = %s/%s\n%s.org_id = berlin\n%s.ca_file = %s\n' \
			"$sec" "$TLS" "$sec" "$sec" "$sec" "$D/ca.pem"
		[ "$site" = secure ] && printf '%s.cert_file = %s\n%s.key_file = %s\n' \
			"$sec" "$D/client.pem" "$sec" "$D/client.key"
	done
	printf 'alertmanager.filter = site="berlin"\n'
done >> "$CFG"
chmod 600 "$CFG"
check "--check-config accepts both sites" bash -c "\"$CERES_TOP\" -c \"$CFG\" --site paris --check-config >/dev/null"

clear_log() { curl -fsS -XPOST "$CTL/__proxy/clear" >/dev/null; }
proxy_log() { curl -fsS "$CTL/__proxy/log" > "$1"; }

# once SITE: --once --format json for SITE into $D/SITE.json, exit code in RC.
once() {
	"$CERES_TOP" -c "$CFG" --once --site "$1" --format json --panes health,alerts \
		> "$D/$1.json" 2> "$D/$1.err"
	RC=$?
}
clear_log
once berlin
check "berlin: exit 2 (its critical alert) (got $RC)" [ "$RC" -eq 2 ]
check "berlin shows only its own alert" python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
names=sorted(a["alertname"] for a in j["alerts"])
assert names==["CeresFleetBerlin"], names'  "$D/berlin.json"
check "berlin: Prometheus behind the prefix is up with its target" python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
p=[s for s in j["services"] if s["name"]=="prometheus"][0]
assert p["status"]=="up" and "1/1 targets up" in p["detail"], p
a=[s for s in j["services"] if s["name"]=="alertmanager"][0]
assert a["status"]=="up", a' "$D/berlin.json"
proxy_log "$D/berlin-log.json"
check "every request of berlin carried its tenant and the prefix" python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
r=j["requests"]; assert r, "no requests"
bad=[x for x in r if x["org"]!="berlin" or x["status"]!=200 or not x["path"].startswith(("/prometheus/","/alertmanager/"))]
assert not bad, bad
paths={x["path"].split("?")[0] for x in r}
want={"/prometheus/-/ready","/prometheus/api/v1/targets","/alertmanager/-/ready",
      "/alertmanager/api/v2/status","/alertmanager/api/v2/alerts","/alertmanager/api/v2/silences"}
assert want <= paths, want - paths
al=[x["path"] for x in r if x["path"].startswith("/alertmanager/api/v2/alerts?")]
assert al and all("&filter=site%3D%22berlin%22" in p for p in al), al
si=[x["path"] for x in r if x["path"].startswith("/alertmanager/api/v2/silences")]
assert si and all(p.endswith("?filter=site%3D%22berlin%22") for p in si), si' "$D/berlin-log.json"

clear_log
once paris
check "paris: exit 1 (its warning alert) (got $RC)" [ "$RC" -eq 1 ]
check "paris shows only its own alert" python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
names=sorted(a["alertname"] for a in j["alerts"])
assert names==["CeresFleetParis"], names' "$D/paris.json"
proxy_log "$D/paris-log.json"
check "every request of paris carried its tenant" python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
r=j["requests"]; assert r
assert all(x["org"]=="paris" and x["status"]==200 for x in r), [x for x in r if x["org"]!="paris" or x["status"]!=200]' "$D/paris-log.json"

# Without a site there is no tenant: the gateway refuses, and it shows.
clear_log
"$CERES_TOP" -c "$CFG" --once --format json --panes health,alerts > "$D/none.json" 2>/dev/null
RC=$?
check "no tenant: the refusal is reported, not hidden (exit $RC)" python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
s=[s for s in j["sources"] if s["name"]=="alerts"][0]
assert not s["ok"] and "401" in (s["error"] or ""), s
assert int(sys.argv[2]) >= 2' "$D/none.json" "$RC"

# Readiness reads its evidence from the same engine, the same way.
clear_log
"$CERES_TOP" -c "$CFG" --once --site berlin --format json --panes readiness > "$D/rd.json" 2>/dev/null
proxy_log "$D/rd-log.json"
check "readiness evidence: tenant and prefix on every request" python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
r=j["requests"]
paths={x["path"].split("?")[0] for x in r}
assert {"/prometheus/api/v1/rules","/prometheus/api/v1/alertmanagers","/alertmanager/api/v2/status"} <= paths, paths
bad=[x for x in r if x["org"]!="berlin" or x["status"]!=200]
assert not bad, bad' "$D/rd-log.json"

# ---- an engine with the query API only (Mimir, Cortex).
MIMIR_CTL=http://127.0.0.1:$MIMIR_CTL_PORT
check "the Mimir-like gateway is up" wait_for 20 curl -fsS "$MIMIR_CTL/__proxy/log"
printf '[ceres]\ninterval = 0.5\ntimeout = 5\naudit_log = %s/audit.log\nstate_dir = %s/state\n[prometheus]\nurl = http://127.0.0.1:%d/prometheus\norg_id = munich\n[alertmanager]\nurl = http://127.0.0.1:%d/alertmanager\norg_id = munich\n' \
	"$D" "$D" "$MIMIR_PORT" "$MIMIR_PORT" > "$D/mimir.conf"
chmod 600 "$D/mimir.conf"
"$CERES_TOP" -c "$D/mimir.conf" --once --format json --panes health > "$D/mimir.json" 2> "$D/mimir.err"
RC=$?
check "query API only: Prometheus up from the query up, its target a row (exit $RC)" python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
p=[s for s in j["services"] if s["name"]=="prometheus"][0]
assert p["status"]=="up" and p["detail"]=="query API, 1/1 targets up", p
t=[s for s in j["services"] if s["name"].startswith("prometheus target prometheus ")]
assert len(t)==1 and t[0]["status"]=="up", t
s=[s for s in j["sources"] if s["name"]=="prometheus"][0]
assert s["ok"], s
a=[s for s in j["services"] if s["name"]=="alertmanager"][0]
assert a["status"]=="up" and a["detail"].startswith("status API"), a
assert int(sys.argv[2])==0' "$D/mimir.json" "$RC"
curl -fsS -XPOST "$MIMIR_CTL/__proxy/clear" >/dev/null
tui_start 160 45 -c "$D/mimir.conf"
ups() { curl -fsS "$MIMIR_CTL/__proxy/log" | python3 -c '
import json,sys; print(sum(1 for x in json.load(sys.stdin)["requests"] if x["path"]=="/prometheus/api/v1/query?query=up"))'; }
ups_at_least() { [ "$(ups)" -ge "$1" ]; }
check "the console polls the query up round after round" wait_for 20 ups_at_least 6
check "the console shows the query API's verdict" tui_wait "query API, 1/1 targets up" 10
tui_stop
curl -fsS "$MIMIR_CTL/__proxy/log" > "$D/mimir-log.json"
check "/-/ready asked once, targets never again; every request with munich's tenant" python3 -c '
import json,sys; r=json.load(open(sys.argv[1]))["requests"]
ready=[x for x in r if x["path"]=="/prometheus/-/ready"]
assert len(ready)==1 and ready[0]["status"]==404, ready
st=[x for x in r if x["path"]=="/alertmanager/api/v2/status"]
assert st and all(x["status"]==200 for x in st), st
tg=[x for x in r if x["path"].startswith("/prometheus/api/v1/targets")]
assert len(tg)<=1, tg
assert all(x["org"]=="munich" for x in r), [x for x in r if x["org"]!="munich"]' "$D/mimir-log.json"
printf '[prometheus]\nurl = http://127.0.0.1:%d/nothing\norg_id = munich\n' "$MIMIR_PORT" > "$D/nothing.conf"
chmod 600 "$D/nothing.conf"
"$CERES_TOP" -c "$D/nothing.conf" --once --format json --panes health > "$D/nothing.json" 2>/dev/null
check "a URL with neither /-/ready nor the query API is down, not up" python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
p=[s for s in j["services"] if s["name"]=="prometheus"][0]
assert p["status"]=="down" and "query API: HTTP 404" in p["detail"], p' "$D/nothing.json"

# ---- TLS: the gateway's CA, a client certificate.
"$CERES_TOP" -c "$CFG" --once --site secure --format json --panes health,alerts > "$D/secure.json" 2>/dev/null
RC=$?
check "https with ca_file, cert_file, key_file: berlin's alert, exit 2 (got $RC)" python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
assert sorted(a["alertname"] for a in j["alerts"])==["CeresFleetBerlin"], j["alerts"]
p=[s for s in j["services"] if s["name"]=="prometheus"][0]
assert p["status"]=="up", p
assert int(sys.argv[2])==2' "$D/secure.json" "$RC"
check "the TLS gateway saw berlin's tenant on every request" python3 -c '
import json,sys,urllib.request
j=json.load(urllib.request.urlopen(sys.argv[1]+"/__proxy/log"))
assert j["requests"] and all(x["org"]=="berlin" and x["status"]==200 for x in j["requests"]), j' \
	"http://127.0.0.1:$TLS_CTL_PORT"
"$CERES_TOP" -c "$CFG" --once --site nocert --format json --panes health,alerts > "$D/nocert.json" 2>/dev/null
check "without the client certificate the TLS refusal is the alerts' error" python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
s=[s for s in j["sources"] if s["name"]=="alerts"][0]
assert not s["ok"] and s["error"], s
assert not j["alerts"], j["alerts"]
print("# nocert:", s["error"])' "$D/nocert.json"
printf '[prometheus]\nurl = https://x\n[site "a"]\nprometheus.cert_file = %s/missing.pem\n' "$D" > "$D/bad.conf"
"$CERES_TOP" -c "$D/bad.conf" --check-config > /dev/null 2> "$D/bad.err"
RC=$?
check "--check-config names a missing cert_file of any site (exit $RC)" bash -c \
	"[ $RC -ne 0 ] && grep -qF 'bad.conf:4: cert_file: cannot read $D/missing.pem: No such file or directory' '$D/bad.err'"

# ---- a silence from berlin's console: the site's matcher and tenant.
clear_log
tui_start 160 45 -c "$CFG" --site berlin
check "console up for berlin" tui_wait "berlin" 10
tui_keys 2
check "alerts pane shows berlin's alert" tui_wait "CeresFleetBerlin" 15
check "and not paris's" bash -c "! tmux -L '$TUI_SOCK' capture-pane -t t -p | grep -qF CeresFleetParis"
tui_keys s
check "s opens the label checklist" tui_wait "Labels to match" 5
tui_keys j j
tui_keys Space
check "site unticked" tui_wait '[ ] site="berlin"' 3
tui_keys Enter
check "duration asked" tui_wait "duration:" 3
tui_keys Enter
check "comment asked" tui_wait "comment (required):" 3
tui_type "fleet test"
tui_keys Enter
check "the preview still names the site's matcher" tui_wait '  site="berlin"' 5
tui_type y
tui_keys Enter
check "silence created" tui_wait "silence created:" 10
proxy_log "$D/silence-log.json"
check "the POST carried berlin's tenant and matcher, under the prefix" python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
p=[x for x in j["requests"] if x["method"]=="POST"]
assert len(p)==1, p
x=p[0]
assert x["path"]=="/alertmanager/api/v2/silences" and x["org"]=="berlin" and x["status"]==200, x
m={(m["name"],m["value"]) for m in json.loads(x["body"])["matchers"]}
assert ("site","berlin") in m and ("alertname","CeresFleetBerlin") in m, m' "$D/silence-log.json"
in_am() { curl -fsS "$AM/api/v2/silences" | python3 -c '
import json,sys
s=[s for s in json.load(sys.stdin) if s["comment"]=="fleet test" and s["status"]["state"]=="active"]
assert len(s)==1 and any(m["name"]=="site" and m["value"]=="berlin" for m in s[0]["matchers"]), s'; }
check "Alertmanager has the silence with site=berlin" in_am
check "the alert shows as silenced" wait_for 15 tui_has_re "CeresFleetBerlin .*silenced"
tui_stop

# ---- connections are reused: 10 poll rounds, no new connection.
sed -i 's/^interval = 1$/interval = 0.5/' "$CFG"
before=$(curl -fsS "$CTL/__proxy/log" | python3 -c 'import json,sys; print(json.load(sys.stdin)["connections"])')
clear_log
tui_start 160 45 -c "$CFG" --site berlin
alert_gets() { curl -fsS "$CTL/__proxy/log" | python3 -c '
import json,sys; j=json.load(sys.stdin)
print(sum(1 for x in j["requests"] if x["path"].startswith("/alertmanager/api/v2/alerts?")))'; }
conns() { curl -fsS "$CTL/__proxy/log" | python3 -c 'import json,sys; print(json.load(sys.stdin)["connections"] - int(sys.argv[1]))' "$before"; }
rounds_at_least() { [ "$(alert_gets)" -ge "$1" ]; }
check "first poll round done" wait_for 15 rounds_at_least 2
C1=$(conns)
check "ten more rounds" wait_for 30 rounds_at_least 12
C2=$(conns)
N=$(alert_gets)
diag "connections to the gateway: $C1 after the first round, $C2 after $N alert polls"
check "connections after 10 rounds ($C2) = after the first round ($C1)" [ "$C2" -eq "$C1" ]
check "and within the per-host limit (6): $C1" bash -c "[ '$C1' -ge 1 ] && [ '$C1' -le 6 ]"
tui_stop

finish
