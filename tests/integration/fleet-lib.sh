# Three sites for the fleet tests: alpha and beta, each with its own real
# Alertmanager and Prometheus and a web server as health stand-in (alpha
# has a critical alert in its Alertmanager, beta none), and gamma, whose
# every backend is a stand-in that accepts connections and never answers.
# Ports: the sandbox base (or CERES_TEST_PORT_BASE) + 720..729.
# Sets FLEET_CFG; call fleet_start after common.sh, fleet_stop at the end.

FBASE=$(( ${SANDBOX_PORT_BASE:-${CERES_TEST_PORT_BASE:-35000}} + 720 ))
FD=$TEST_TMP/fleet
FLEET_CFG=$FD/config
FLEET_PIDS=()
mkdir -p "$FD/www"
echo ok > "$FD/www/index.html"

fleet_stop() {
	for p in "${FLEET_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${FLEET_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	FLEET_PIDS=()
}

# fleet_pair NAME AM_PORT PROM_PORT: a real Alertmanager and Prometheus.
fleet_pair() {
	local d=$FD/$1
	mkdir -p "$d/am" "$d/prom"
	cat > "$d/am.yml" <<EOF
route: {receiver: null-rcv, group_by: [alertname], group_wait: 1s, group_interval: 5s}
receivers: [{name: null-rcv}]
EOF
	cat > "$d/prom.yml" <<EOF
global: {scrape_interval: 2s, evaluation_interval: 1s}
scrape_configs:
  - job_name: prometheus
    static_configs: [{targets: ['127.0.0.1:$3']}]
EOF
	prometheus-alertmanager --config.file="$d/am.yml" --storage.path="$d/am" \
		--web.listen-address=127.0.0.1:"$2" --cluster.listen-address= > "$d/am.log" 2>&1 &
	FLEET_PIDS+=($!)
	prometheus --config.file="$d/prom.yml" --storage.tsdb.path="$d/prom" \
		--web.listen-address=127.0.0.1:"$3" > "$d/prom.log" 2>&1 &
	FLEET_PIDS+=($!)
}

fleet_start() {
	fleet_pair alpha $FBASE $((FBASE + 1))
	fleet_pair beta $((FBASE + 2)) $((FBASE + 3))
	python3 -m http.server $((FBASE + 4)) --bind 127.0.0.1 --directory "$FD/www" > "$FD/www.log" 2>&1 &
	FLEET_PIDS+=($!)
	# The hanging stand-in: accepts, reads, never answers.
	python3 -c '
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(64); held = []
def drain(c):
    while c.recv(65536): pass
while True:
    c, _ = s.accept(); held.append(c)
    threading.Thread(target=drain, args=(c,), daemon=True).start()
' $((FBASE + 5)) > "$FD/hang.log" 2>&1 &
	FLEET_PIDS+=($!)
	check "alpha's Alertmanager is up" wait_for 30 curl -fsS "http://127.0.0.1:$FBASE/-/ready"
	check "alpha's Prometheus is up" wait_for 30 curl -fsS "http://127.0.0.1:$((FBASE + 1))/-/ready"
	check "beta's Alertmanager is up" wait_for 30 curl -fsS "http://127.0.0.1:$((FBASE + 2))/-/ready"
	check "beta's Prometheus is up" wait_for 30 curl -fsS "http://127.0.0.1:$((FBASE + 3))/-/ready"
	check "the web stand-in is up" wait_for 10 curl -fsS "http://127.0.0.1:$((FBASE + 4))/"
	python3 - "$FD/alerts.json" <<'EOF'
import json, sys, datetime
n = datetime.datetime.now(datetime.timezone.utc); f = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
json.dump([{"labels": {"alertname": "AlphaDiskFull", "severity": "critical", "instance": "alpha-db"},
            "annotations": {"summary": "alpha disk is full"}, "startsAt": f(n),
            "endsAt": f(n + datetime.timedelta(hours=1))}], open(sys.argv[1], "w"))
EOF
	check "alpha's critical alert posted" curl -fsS -XPOST -H 'Content-Type: application/json' \
		--data-binary @"$FD/alerts.json" "http://127.0.0.1:$FBASE/api/v2/alerts" -o /dev/null
	local H=http://127.0.0.1:$((FBASE + 5))
	cat > "$FLEET_CFG" <<EOF
[ceres]
interval = 1
timeout = 2
audit_log = $FD/audit.log
state_dir = $FD/state
[service "web"]
url = http://127.0.0.1:$((FBASE + 4))/
[site "alpha"]
prometheus.url = http://127.0.0.1:$((FBASE + 1))
alertmanager.url = http://127.0.0.1:$FBASE
[site "beta"]
prometheus.url = http://127.0.0.1:$((FBASE + 3))
alertmanager.url = http://127.0.0.1:$((FBASE + 2))
[site "gamma"]
prometheus.url = $H
alertmanager.url = $H
service.web.url = $H/
EOF
	chmod 600 "$FLEET_CFG"
}
