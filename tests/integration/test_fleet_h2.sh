#!/bin/bash
# HTTP/2 multiplexing against a real Caddy (tls internal, its own CA on
# loopback): six HTTPS services on one host share one connection in a
# --once round, and the console keeps that one connection over its poll
# rounds (no new TCP or TLS handshake).  Caddy's JSON access log gives
# each request's protocol and remote port.  Port: the sandbox base (or
# CERES_TEST_PORT_BASE) + 740.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/tui.sh"

PORT=$(( ${SANDBOX_PORT_BASE:-${CERES_TEST_PORT_BASE:-35000}} + 740 ))
D=$TEST_TMP/h2
mkdir -p "$D"
CADDY_PID=
cleanup() {
	tui_stop 2>/dev/null
	[ -n "$CADDY_PID" ] && kill "$CADDY_PID" 2>/dev/null && wait "$CADDY_PID" 2>/dev/null
}
trap cleanup EXIT

cat > "$D/Caddyfile" <<EOF
{
	admin off
	skip_install_trust
	local_certs
}
https://127.0.0.1:$PORT {
	bind 127.0.0.1
	tls internal
	log {
		output file $D/access.log
		format json
	}
	respond /svc/* "ok" 200
}
EOF
XDG_DATA_HOME=$D/data XDG_CONFIG_HOME=$D/config HOME=$D \
	caddy run --config "$D/Caddyfile" --adapter caddyfile > "$D/caddy.log" 2>&1 &
CADDY_PID=$!
CA=$D/data/caddy/pki/authorities/local/root.crt
up() { [ -f "$CA" ] && curl -fsS --max-time 2 --cacert "$CA" "https://127.0.0.1:$PORT/svc/0" >/dev/null 2>&1; }
if ! wait_for 20 up; then
	diag "caddy did not start: $(tail -5 "$D/caddy.log")"
	not_ok "caddy serves https on 127.0.0.1:$PORT"
	finish
fi

{
	printf '[ceres]\ninterval = 0.5\ntimeout = 5\naudit_log = %s/audit.log\n' "$D"
	for k in 1 2 3 4 5 6; do
		printf '[service "s%d"]\nurl = https://127.0.0.1:%d/svc/%d\nca_file = %s\n' "$k" "$PORT" "$k" "$CA"
	done
} > "$D/c.conf"
chmod 600 "$D/c.conf"

# requests N0: "REQUESTS CONNECTIONS PROTOCOLS" of the log lines after N0.
requests() {
	python3 - "$D/access.log" "$1" <<'EOF'
import json, sys
ports, protos, n = set(), set(), 0
for i, l in enumerate(open(sys.argv[1], errors="replace")):
    if i < int(sys.argv[2]) or not l.strip():
        continue
    r = json.loads(l)["request"]
    if not r["uri"].startswith("/svc/"):
        continue
    n += 1
    ports.add(r["remote_port"])
    protos.add(r["proto"])
print(n, len(ports), ",".join(sorted(protos)))
EOF
}
lines() { wc -l < "$D/access.log"; }

n0=$(lines)
"$CERES_TOP" -c "$D/c.conf" --once --panes health --format json > "$D/once.json" 2> "$D/once.err"
RC=$?
check "--once: six https services up, exit 0 (got $RC)" python3 -c '
import json,sys; j=json.load(open(sys.argv[1]))
s=[x for x in j["services"] if x["name"].startswith("s")]
assert len(s)==6 and all(x["status"]=="up" for x in s), s' "$D/once.json"
read -r N C P <<< "$(requests "$n0")"
diag "--once: $N requests over $C connection(s), $P"
check "--once: the six requests went over HTTP/2 ($P)" [ "$P" = "HTTP/2.0" ] 
check "--once: over one connection, multiplexed ($C for $N requests)" bash -c "[ '$N' -eq 6 ] && [ '$C' -eq 1 ]"

n0=$(lines)
tui_start 120 30 -c "$D/c.conf" --panes health
many() { read -r n _ _ <<< "$(requests "$n0")"; [ "$n" -ge 30 ]; }
check "the console polls: five rounds of six services" wait_for 30 many
read -r N C P <<< "$(requests "$n0")"
diag "console: $N requests over $C connection(s), $P"
check "console: every request over HTTP/2 ($P)" [ "$P" = "HTTP/2.0" ]
check "console: one connection for every round ($C for $N requests)" [ "$C" -eq 1 ]
check "the health pane shows the six up" tui_has_re "up +s6 "
tui_stop
finish
