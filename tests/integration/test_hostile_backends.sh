#!/usr/bin/env bash
# Hostile backends (tests/fakes/hostile.py) next to the healthy sandbox:
# malformed and truncated answers, a 200 MB body, a gzip bomb, slow drips,
# redirect loops and redirects to another host, wrong content types, 429
# with Retry-After, 5xx, resets, TLS with self-signed and expired
# certificates.  `--once --format json` must give every hostile source a
# clear error of its own, keep every sandbox source working, hold the
# --timeout deadline and stay under 100 MB of peak RSS; credentials never
# reach the other host.
. "$(dirname "$0")/../lib/common.sh"
sandbox_env

HOSTILE=$TESTS_DIR/fakes/hostile.py
HBASE=$(( ${SANDBOX_PORT_BASE:-23000} + 600 ))
HP=$HBASE OP=$((HBASE + 1)) TLS_SELF=$((HBASE + 2)) TLS_EXP=$((HBASE + 3))
RSS_CAP_KB=$((100 * 1024))
# AddressSanitizer's shadow memory and quarantine triple the footprint: the
# 100 MB cap is for real builds, an ASan build gets 300 MB.
if ldd "$CERES_TOP" 2>/dev/null | grep -q libasan; then RSS_CAP_KB=$((300 * 1024)); fi
D=$TEST_TMP/hostile-backends
mkdir -p "$D"

# ---- certificates, made now: a self-signed one, and an expired one.
make_certs() {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$D/self.key" -out "$D/self.pem" \
		-days 30 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null || return 1
	mkdir -p "$D/ca" && : > "$D/ca/index.txt" && echo 01 > "$D/ca/serial"
	printf '[ca]\ndefault_ca = d\n[d]\ndatabase = %s/ca/index.txt\nserial = %s/ca/serial\nnew_certs_dir = %s/ca\ndefault_md = sha256\npolicy = p\ncopy_extensions = copy\n[p]\ncommonName = supplied\n' \
		"$D" "$D" "$D" > "$D/ca.cnf"
	openssl req -new -newkey rsa:2048 -nodes -keyout "$D/exp.key" -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 -out "$D/exp.csr" 2>/dev/null &&
	openssl ca -batch -config "$D/ca.cnf" -selfsign -keyfile "$D/exp.key" -in "$D/exp.csr" \
		-out "$D/exp.pem" -startdate 20200101000000Z -enddate 20200201000000Z >/dev/null 2>&1
}
check "generated a self-signed and an expired certificate" make_certs
check "the expired certificate is expired" bash -c '! openssl x509 -in "$1" -noout -checkend 0 >/dev/null' _ "$D/exp.pem"

RAW_HUGE=$((HBASE + 4)) RAW_GARBAGE=$((HBASE + 5)) RAW_DRIP=$((HBASE + 6)) RAW_SILENT=$((HBASE + 7))
python3 "$HOSTILE" --port "$HP" --other-port "$OP" --ready-file "$D/ready" \
	--tls "$TLS_SELF:$D/self.pem:$D/self.key" --tls "$TLS_EXP:$D/exp.pem:$D/exp.key" \
	--raw "$RAW_HUGE:huge" --raw "$RAW_GARBAGE:garbage" --raw "$RAW_DRIP:drip" \
	--raw "$RAW_SILENT:silent" > "$D/hostile.log" 2>&1 &
HPID=$!
trap 'kill $HPID 2>/dev/null; wait $HPID 2>/dev/null' EXIT
check "hostile backend is up" wait_for 30 test -s "$D/ready"

cp "$SANDBOX_DIR/config" "$D/config"
python3 "$HOSTILE" --port "$HP" --other-port "$OP" --tls-self-port "$TLS_SELF" \
	--tls-expired-port "$TLS_EXP" --print-config >> "$D/config"
chmod 600 "$D/config"
python3 "$HOSTILE" --port "$HP" --tls-self-port "$TLS_SELF" --tls-expired-port "$TLS_EXP" \
	--print-expect > "$D/expect"

# ---- one --once run with every backend misbehaving at the same time.
t0=${EPOCHREALTIME/./}
python3 - "$D/rss" "$CERES_TOP" --once --format json --timeout 8 -c "$D/config" > "$D/out.json" 2> "$D/stderr" <<'EOF'
import resource, subprocess, sys
rc = subprocess.run(sys.argv[2:]).returncode
open(sys.argv[1], "w").write("%d %d\n" % (rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
EOF
elapsed_ms=$(( (${EPOCHREALTIME/./} - t0) / 1000 ))
read -r rc rss_kb < "$D/rss"
diag "--once: exit $rc, ${elapsed_ms} ms, peak RSS ${rss_kb} kB"
check "--once exits 2 (critical) with hostile backends" test "$rc" = 2
check "--once output is valid JSON" python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$D/out.json"
check "--once holds its 8 s deadline despite the drips (${elapsed_ms} ms)" test "$elapsed_ms" -lt 10000
check "peak RSS ${rss_kb} kB < $((RSS_CAP_KB / 1024)) MB with the 200 MB body and the gzip bomb" test "$rss_kb" -lt "$RSS_CAP_KB"

# Every case: its own source error (or, for the cases that must work, an
# ok source and the expected detail).
while IFS=$'\t' read -r name a b; do
	if [ "$a" = ok ]; then
		check "$name: source ok, detail matches /$b/" python3 - "$D/out.json" "$name" "$b" <<'EOF'
import json, re, sys
j = json.load(open(sys.argv[1])); name, rx = sys.argv[2], sys.argv[3]
src = [s for s in j["sources"] if s["name"] == name]
svc = [s for s in j["services"] if s["name"] == name]
ok = len(src) == 1 and src[0]["ok"] and src[0]["error"] is None and len(svc) == 1 \
    and re.search(rx, svc[0]["detail"]) is not None and "\x1b" not in svc[0]["detail"]
if not ok: print(src, svc, file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
	else
		check "$name: source error matches /$a/" python3 - "$D/out.json" "$name" "$a" <<'EOF'
import json, re, sys
j = json.load(open(sys.argv[1])); name, rx = sys.argv[2], sys.argv[3]
src = [s for s in j["sources"] if s["name"] == name]
svc = [s for s in j["services"] if s["name"] == name]
ok = len(src) == 1 and not src[0]["ok"] and isinstance(src[0]["error"], str) \
    and re.search(rx, src[0]["error"]) is not None and len(svc) == 1 \
    and svc[0]["status"] in ("down", "degraded", "unknown")
if not ok: print(src, svc, file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
	fi
done < "$D/expect"

check "every sandbox source still answers ok next to the hostile ones" python3 - "$D/out.json" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
good = [s for s in j["sources"] if not s["name"].startswith("h-")]
bad = [s for s in good if not s["ok"]]
if bad or len(good) < 5: print(bad, len(good), file=sys.stderr)
sys.exit(0 if good and not bad and len(good) >= 5 else 1)
EOF
check "the 429 service is unknown, not down" python3 -c '
import json, sys; j = json.load(open(sys.argv[1]))
sys.exit(0 if [s["status"] for s in j["services"] if s["name"] == "h-ratelimit"] == ["unknown"] else 1)' "$D/out.json"
# Service rows and source errors are made terminal-safe; alert labels and
# log lines are kept exact on purpose (JSON escapes them), see doc/snapshot.md.
check "no escape character in any service or source string" python3 -c '
import json, sys; j = json.load(open(sys.argv[1]))
def walk(o):
    if isinstance(o, str): return "\x1b" in o or "\x9b" in o or "\x07" in o
    if isinstance(o, list): return any(walk(x) for x in o)
    if isinstance(o, dict): return any(walk(x) for x in o.values())
    return False
sys.exit(1 if walk(j["services"]) or walk(j["sources"]) else 0)' "$D/out.json"
check "no raw ESC byte anywhere in the JSON output" bash -c '! grep -q $'"'"'\x1b'"'"' "$1"' _ "$D/out.json"
check "stderr is empty" test ! -s "$D/stderr"

# ---- credentials never reach the other host; uncredentialed redirects do.
curl -s --max-time 5 "http://127.0.0.1:$HP/__hostile/requests" > "$D/requests.json"
check "the other host received the uncredentialed redirect" python3 -c '
import json, sys; r = json.load(open(sys.argv[1]))
sys.exit(0 if any(x["listener"] == "other" and x["path"] == "/c" for x in r) else 1)' "$D/requests.json"
check "the other host never received Authorization or X-Redmine-API-Key" python3 -c '
import json, sys; r = json.load(open(sys.argv[1]))
bad = [x for x in r if x["listener"] == "other" and
       any(k.lower() in ("authorization", "x-redmine-api-key") for k in x["headers"])]
sys.exit(0 if not bad else 1)' "$D/requests.json"
check "the other host never saw the redirect secrets" bash -c '! grep -q "HOSTILE-REDIRECT" <(python3 -c "
import json, sys
for x in json.load(open(sys.argv[1])):
    if x[\"listener\"] == \"other\": print(json.dumps(x))" "$1")' _ "$D/requests.json"
check "the credentialed requests did reach the first host" python3 -c '
import json, sys; r = json.load(open(sys.argv[1]))
sys.exit(0 if any(x["listener"] == "main" and x["path"].startswith("/redirect-other2/b")
                  and x["headers"].get("X-Redmine-API-Key") == "HOSTILE-REDIRECT-KEY-2" for x in r) else 1)' "$D/requests.json"

# ---- Redis and PostgreSQL peers that misbehave (plain sockets, libpq).
raw_case() {	# pg-port redis-port pg-regex redis-regex
	printf '[ceres]\ntimeout = 2\n[postgres]\nconninfo = hostaddr=127.0.0.1 port=%s dbname=x user=y\n[redis]\naddress = 127.0.0.1:%s\n' \
		"$1" "$2" > "$D/raw.config"
	chmod 600 "$D/raw.config"
	local t0=${EPOCHREALTIME/./}
	"$CERES_TOP" --once --format json --timeout 8 -c "$D/raw.config" > "$D/raw.json" 2> "$D/raw.err"
	local rc=$? ms=$(( (${EPOCHREALTIME/./} - t0) / 1000 ))
	[ "$rc" = 3 ] && [ "$ms" -lt 4000 ] && [ ! -s "$D/raw.err" ] || { echo "rc $rc, $ms ms" >&2; return 1; }
	python3 - "$D/raw.json" "$3" "$4" <<'EOF'
import json, re, sys
src = {s["name"]: s for s in json.load(open(sys.argv[1]))["sources"]}
ok = all(not src[n]["ok"] and re.search(rx, src[n]["error"] or "") for n, rx in
         (("postgres", sys.argv[2]), ("redis", sys.argv[3])))
if not ok: print(src, file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
}
check "postgres: 200 MB stream; redis: garbage -> errors, in time" \
	raw_case "$RAW_HUGE" "$RAW_GARBAGE" "invalid response" "protocol error"
check "postgres: garbage; redis: \$200000000 bulk -> errors, in time" \
	raw_case "$RAW_GARBAGE" "$RAW_HUGE" "invalid response" "protocol error|too large"
check "postgres: silent; redis: 1 byte/s -> timeouts, in time" \
	raw_case "$RAW_SILENT" "$RAW_DRIP" "timeout" "timeout"
check "postgres: 1 byte/s; redis: silent -> errors, in time" \
	raw_case "$RAW_DRIP" "$RAW_SILENT" "invalid response|timeout" "timeout"

# ---- text and nagios formats say it too, and stay terminal-safe.
"$CERES_TOP" --once --format text --timeout 8 -c "$D/config" > "$D/out.txt" 2>&1
check "text output names the hostile errors" bash -c 'grep -q "h-gzip-bomb.*response larger than" "$1" && grep -q "h-tls-selfsigned.*SSL certificate problem" "$1"' _ "$D/out.txt"
check "text output has no escape byte" bash -c '! grep -q $'"'"'\x1b'"'"' "$1"' _ "$D/out.txt"
"$CERES_TOP" --once --format nagios --timeout 8 -c "$D/config" > "$D/out.nagios" 2>&1
check "nagios output is one CRITICAL line" bash -c '[ "$(wc -l < "$1")" -eq 1 ] && grep -q "^CERES CRITICAL" "$1"' _ "$D/out.nagios"

finish
