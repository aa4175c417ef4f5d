#!/bin/bash
# Readiness against real Caddy 2.6 instances of this test's own: a site
# with HTTPS (tls internal), forward_auth, encode and a load-balanced
# reverse_proxy (SANDBOX_PORT_BASE+540/+541), the same admin loaded with a
# plain site without them; certificates read from the TLS handshake: a
# 365-day and a 5-day self-signed certificate (+545/+542), Caddy's own
# 12-hour internal certificate, and an untrusted one without insecure.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/readiness.sh"
sandbox_env
BASE=${SANDBOX_PORT_BASE:-29000}
ADMIN=$((BASE + 540)) SITE=$((BASE + 541)) CERTSITE=$((BASE + 542)) UP1=$((BASE + 543)) UP2=$((BASE + 544))
ADMIN2=$((BASE + 545))
FIX=$TESTS_DIR/fixtures/readiness
D=$TEST_TMP/caddy


for p in $ADMIN $SITE $CERTSITE $ADMIN2; do
	if ss -Htln | awk '{print $4}' | grep -qE "[:.]$p\$"; then echo "Bail out! port $p busy"; exit 1; fi
done
mkdir -p "$D"
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	PIDS=()
}
trap cleanup EXIT
# caddy_run CADDYFILE ADMIN-PORT: own data dirs, never the system trust store.
caddy_run() {
	XDG_DATA_HOME=$D/data XDG_CONFIG_HOME=$D/config HOME=$D \
		caddy run --config "$1" --adapter caddyfile > "$1.log" 2>&1 &
	PIDS+=($!)
	wait_for 20 curl -fs "http://127.0.0.1:$2/config/"
}
# caddy_load CADDYFILE ADMIN-PORT: replace the running config.
caddy_load() {
	curl -fsS -XPOST -H 'Content-Type: text/caddyfile' --data-binary "@$1" "http://127.0.0.1:$2/load" >/dev/null
}

# The forward_auth directive exists in this Caddy and adapts to a
# reverse_proxy that rewrites to the auth endpoint and handles its answer.
sed -e "s/@ADMIN_PORT@/$ADMIN/; s/@HTTPS_PORT@/$SITE/; s/@AUTH_PORT@/$UP1/; s/@UP1@/$UP1/; s/@UP2@/$UP2/" \
	"$FIX/Caddyfile.full" > "$D/full.Caddyfile"
caddy adapt --config "$D/full.Caddyfile" --adapter caddyfile > "$D/full.json" 2> /dev/null
check "caddy adapt: forward_auth is a reverse_proxy with rewrite and handle_response" python3 -c '
import json, sys
def walk(o):
    if isinstance(o, dict):
        if o.get("handler") == "reverse_proxy" and "rewrite" in o and o.get("handle_response"):
            return True
        return any(walk(v) for v in o.values())
    return isinstance(o, list) and any(walk(v) for v in o)
assert walk(json.load(open(sys.argv[1])))' "$D/full.json"

check "caddy with HTTPS, forward_auth, encode and two upstreams up" caddy_run "$D/full.Caddyfile" "$ADMIN"
printf '[ceres]\ntimeout = 3\n[caddy]\nadmin_url = http://127.0.0.1:%s\n' "$ADMIN" > "$TEST_TMP/ceres.conf"
rd_once "$TEST_TMP/ceres.conf"
expect_check security.https pass "1/1 Caddy servers serve HTTPS, e.g. srv0 127.0.0.1:$SITE (127.0.0.1)"
expect_check security.proxy_sso pass "1 forward_auth handler(s) in front of 1 reverse proxies"
expect_check performance.compression pass "encode on 1/1 Caddy servers"
expect_check availability.load_balancing pass "1 of 1 reverse proxies balance"
# Debian's caddy has no rate_limit module: a stock install fails.
expect_check security.rate_limit fail "no rate_limit handler"

# The same Caddy, reloaded with a plain http:// site: no TLS, no forward
# auth, no compression, one upstream.
cat > "$D/plain.Caddyfile" <<EOF
{
	admin 127.0.0.1:$ADMIN
	auto_https off
}
http://127.0.0.1:$SITE {
	bind 127.0.0.1
	reverse_proxy 127.0.0.1:$UP1
}
EOF
check "reloaded with a plain site" caddy_load "$D/plain.Caddyfile" "$ADMIN"
rd_once "$TEST_TMP/ceres.conf"
expect_check security.https fail "0/1 Caddy servers serve HTTPS"
expect_check security.proxy_sso fail "no forward_auth"
expect_check performance.compression fail "encode on 0/1 Caddy servers"
expect_check availability.load_balancing fail "none of 1 reverse proxies"
check "reloaded with the full site again" caddy_load "$D/full.Caddyfile" "$ADMIN"

# Certificates: a second Caddy serving a file certificate.
mkcert() {	# NAME DAYS
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$D/$1.key" -out "$D/$1.pem" -days "$2" \
		-subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
}
check "self-signed certificates made (365 and 5 days)" bash -c "$(declare -f mkcert); D='$D'; mkcert long 365 && mkcert short 5"
certsite() {	# NAME
	cat > "$D/cert-$1.Caddyfile" <<EOF
{
	admin 127.0.0.1:$ADMIN2
}
https://127.0.0.1:$CERTSITE {
	tls $D/$1.pem $D/$1.key
	bind 127.0.0.1
	respond "ok"
}
EOF
}
certsite long
certsite short
check "caddy serving the 365-day certificate up" caddy_run "$D/cert-long.Caddyfile" "$ADMIN2"
tls_conf() {	# URL INSECURE
	printf '[ceres]\ntimeout = 3\n[service "site"]\nurl = %s\ninsecure = %s\n' "$1" "$2" > "$TEST_TMP/tls.conf"
}
tls_conf "https://127.0.0.1:$CERTSITE/some/path?token=x" true
rd_once "$TEST_TMP/tls.conf"
expect_check security.certificates pass "1 https URLs; soonest expiry https://127.0.0.1:$CERTSITE/ in 365 days"
check "only the origin is shown, never path or query" bash -c "! grep -q 'token=x' '$RJ'"

tls_conf "https://127.0.0.1:$CERTSITE/" false
rd_once "$TEST_TMP/tls.conf"
expect_check security.certificates fail "self-signed certificate"

check "reloaded with the 5-day certificate" caddy_load "$D/cert-short.Caddyfile" "$ADMIN2"
short_served() {
	echo | openssl s_client -connect "127.0.0.1:$CERTSITE" 2>/dev/null | openssl x509 -noout -checkend $((30 * 86400)) >/dev/null
	[ $? -eq 1 ]
}
check "the 5-day certificate is served" wait_for 10 short_served
tls_conf "https://127.0.0.1:$CERTSITE/" true
rd_once "$TEST_TMP/tls.conf"
expect_check security.certificates fail "https://127.0.0.1:$CERTSITE/ expires in 5.0 days"

# Caddy's internal CA issues 12-hour leaf certificates: below 14 days.
tls_conf "https://127.0.0.1:$SITE/" true
rd_once "$TEST_TMP/tls.conf"
expect_check security.certificates fail "https://127.0.0.1:$SITE/ expires in 0."

# Nothing listening: unknown, not a failure of the certificate.
cleanup
rd_once "$TEST_TMP/tls.conf"
expect_check security.certificates unknown "https://127.0.0.1:$SITE/"
rd_once "$TEST_TMP/ceres.conf"
expect_check security.https unknown "caddy"
finish
